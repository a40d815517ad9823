import CgiPoolRuntime
import CgiPoolTestSupport
import Foundation
import ProcessConfig
import Testing

/// Stopping and inspecting a pool on a real private manager.
@Suite(.enabled(if: PrivateManagerFixture.enabled)) struct StopAndStatusTests {
  @Test func stubbornProcessIsKilledAfterItsStopTimeout() throws {
    let json = """
      {"name": "stub", "processes": {
        "deaf": {"command": ["sh", "-c", "trap '' TERM; while :; do sleep 0.1; done"], "stop_timeout": 1},
        "polite": {"command": ["sleep", "300"]}
      }}
      """
    try RuntimeHarness.withPool(json) { context in
      #expect(try context.runtime.start().succeeded)
      let deafPID = try #require(try context.runtime.manager.unitState("stub-deaf.service")).mainPID
      let began = Date()
      let report = try context.runtime.stop()
      let elapsed = Date().timeIntervalSince(began)
      let outcomes = Dictionary(uniqueKeysWithValues: report.results.map { ($0.process, $0.outcome) })
      #expect(outcomes["deaf"] == .killed)
      #expect(outcomes["polite"] == .stopped)
      #expect(report.nothingLeft)
      #expect(!RuntimeHarness.isAlive(deafPID))
      #expect(elapsed >= 1, "SIGKILL came before the stop timeout")
    }
  }

  @Test func doubleForkedGrandchildGoesWithItsUnit() throws {
    let json = """
      {"name": "fork", "processes": {"parent": {"command": ["sh", "-c",
        "setsid sh -c 'echo $$ > grandchild.pid; exec sleep 300' & exec sleep 300"]}}}
      """
    try RuntimeHarness.withPool(json) { context in
      #expect(try context.runtime.start().succeeded)
      let pid = Int32(try #require(RuntimeHarness.stamp(context.folder + "/grandchild.pid")))
      #expect(RuntimeHarness.isAlive(pid))
      #expect(try context.runtime.manager.unitState("fork-parent.service") != nil)
      let report = try context.runtime.stop()
      #expect(report.nothingLeft)
      #expect(RuntimeHarness.eventually(timeout: 5) { !RuntimeHarness.isAlive(pid) }, "grandchild \(pid) survived")
    }
  }

  @Test func stopOfWhatIsNotRunningIsNotAnError() throws {
    let json = #"{"name": "idle", "processes": {"a": {"command": ["sleep", "300"]}, "b": {"command": ["sleep", "300"], "depends_on": ["a"]}}}"#
    try RuntimeHarness.withPool(json) { context in
      let report = try context.runtime.stop()
      #expect(report.results.map(\.outcome) == [.notRunning, .notRunning])
      #expect(report.nothingLeft)
    }
  }

  @Test func stoppingADependencyStopsItsDependentsFirst() throws {
    let json = #"{"name": "chain", "processes": {"a": {"command": ["sleep", "300"]}, "b": {"command": ["sleep", "300"], "depends_on": ["a"]}, "c": {"command": ["sleep", "300"]}}}"#
    try RuntimeHarness.withPool(json) { context in
      #expect(try context.runtime.start().succeeded)
      let report = try context.runtime.stop(["a"])
      #expect(report.results.map(\.process) == ["b", "a"])
      #expect(report.results.map(\.outcome) == [.stopped, .stopped])
      let status = try context.runtime.status()
      let states = Dictionary(uniqueKeysWithValues: status.processes.map { ($0.process, $0.state) })
      #expect(states == ["a": .inactive, "b": .inactive, "c": .active])
      #expect(!status.allActive)
    }
  }

  @Test func statusReportsEachProcess() throws {
    let json = """
      {"name": "stat", "processes": {
        "web": {"command": ["sleep", "300"], "restart_policy": "always",
          "health_check": {"type": "command", "target": "true", "timeout": 2, "interval": 1}},
        "once": {"command": ["true"], "restart_policy": "no"}
      }}
      """
    try RuntimeHarness.withPool(json) { context in
      let start = try context.runtime.start()
      #expect(start.succeeded, "\(start.results)")
      // The health unit checks every second; wait for a published check.
      #expect(try RuntimeHarness.eventually(timeout: 10) { try context.runtime.status(["web"]).processes[0].health == "healthy" })
      #expect(try RuntimeHarness.eventually(timeout: 5) { try context.runtime.status(["once"]).processes[0].finished })
      let status = try context.runtime.status()
      #expect(status.allActive)
      let web = try #require(status.processes.first { $0.process == "web" })
      #expect(web.state == .active && web.subState == .running)
      #expect(web.mainPID.map(RuntimeHarness.isAlive) == true)
      #expect((web.uptimeSeconds ?? -1) >= 0)
      #expect(web.logFile == context.folder + "/logs/web.log")
      #expect(status.summary == "1/1 active, 1 finished (restart_policy no)")
      let encoded = try JSONEncoder().encode(status)
      #expect(try JSONDecoder().decode(PoolStatus.self, from: encoded) == status)
    }
  }

  @Test func statusOfAPoolReadsOnlyItsOwnUnitsAndEachUnitsFacts() throws {
    // Six processes: enough for one `<pool>*` pattern instead of one pattern per unit. A second
    // pool whose name starts with this one's must not leak into the answer.
    let json = """
      {"name": "wide", "processes": {
        "a": {"command": ["sleep", "300"]}, "b": {"command": ["sleep", "300"]},
        "c": {"command": ["sleep", "300"]}, "d": {"command": ["sleep", "300"]},
        "flaky": {"command": ["sh", "-c", "exit 3"], "restart_policy": "no"},
        "once": {"command": ["true"], "restart_policy": "no"}
      }}
      """
    try RuntimeHarness.withPool(json) { context in
      let neighbourJSON = #"{"name": "wider", "processes": {"a": {"command": ["sleep", "300"]}}}"#
      let neighbour = try RuntimeHarness.runtime(for: try ConfigLoader.parse(Array(neighbourJSON.utf8), file: "wider.json", baseDirectory: context.folder), like: context)
      #expect(try neighbour.start().succeeded)
      defer { _ = try? neighbour.stop() }
      _ = try context.runtime.start()
      #expect(try RuntimeHarness.eventually(timeout: 5) { try context.runtime.status(["flaky"]).processes[0].state == .failed })
      let status = try context.runtime.status()
      #expect(status.processes.map(\.process) == ["a", "b", "c", "d", "flaky", "once"])
      for running in status.processes.prefix(4) {
        #expect(running.state == .active && running.subState == .running, "\(running)")
        #expect(running.mainPID.map(RuntimeHarness.isAlive) == true, "\(running)")
        #expect(running.lastResult == .success && running.restarts == 0, "\(running)")
      }
      let flaky = try #require(status.processes.first { $0.process == "flaky" })
      #expect(flaky.lastResult == .exitCode && flaky.mainPID == nil, "\(flaky)")
      #expect(try neighbour.status().processes.map(\.process) == ["a"])
    }
  }
}
