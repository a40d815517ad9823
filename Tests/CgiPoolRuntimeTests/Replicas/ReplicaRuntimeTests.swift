import CgiPoolRuntime
import CgiPoolTestKit
import CgiPoolTestSupport
import Foundation
import ProcessConfig
import SystemdBus
import Testing
import UnitCompiler

/// Replicas on a real private manager: each instance's environment and placeholders as the
/// manager holds them (both back ends), status rows, scale up and down, rolling restarts, and a
/// stop that leaves nothing in `/proc`.
@Suite(.enabled(if: PrivateManagerFixture.enabled)) struct ReplicaRuntimeTests {
  /// Each instance writes its shell's PID (its main PID) to `ready-<i>` once up and removes it
  /// on SIGTERM; its health check waits for that file to name the unit's main PID (`$MAINPID`),
  /// so "healthy" means "this run is up". (A shell stopped while its `wait` returns can exit
  /// without running its trap: a file the last run left must not count.)
  /// It refuses to start while `fail-<i>` exists.
  /// With `frontFollows`, front depends on w with `restart: true`.
  static func pool(name: String, replicas: Int, frontFollows: Bool = false) -> String {
    let script =
      "[ -f fail-{replica} ] && exit 3; trap 'rm -f ready-{replica}; exit 0' TERM; sleep 0.3; "
      + "echo $$ > ready-{replica}; sleep 300 & wait"
    return """
      {"name": "\(name)", "processes": {
        "w": {"command": ["/bin/sh", "-c", \(RuntimeHarness.quote(script))], "replicas": \(replicas),
          "env": {"SLOT": "{replica0:02}", "LABEL": "w {replica} of \(replicas)"},
          "restart_delay": 0.1, "stop_timeout": 5,
          "health_check": {"type": "command", "target": "test \\"$(cat ready-{replica} 2>/dev/null)\\" = \\"$MAINPID\\"", "timeout": 5, "interval": 60}},
        "front": {"command": ["/bin/sleep", "300"], "depends_on": [\(frontFollows ? #"{"process": "w", "restart": true}"# : #""w""#)]}
      }}
      """
  }

  /// `/proc/PID/environ` as a dictionary.
  static func environment(_ pid: Int32) -> [String: String] {
    guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return [:] }
    var result: [String: String] = [:]
    for entry in data.split(separator: 0) {
      let text = String(decoding: entry, as: UTF8.self)
      if let equals = text.firstIndex(of: "=") { result[String(text[..<equals])] = String(text[text.index(after: equals)...]) }
    }
    return result
  }

  /// The main PID of each process, from status.
  static func pids(_ runtime: PoolRuntime) throws -> [String: Int32] {
    var pids: [String: Int32] = [:]
    for row in try runtime.status().processes { if let pid = row.mainPID { pids[row.process] = pid } }
    return pids
  }

  @Test func instancesGetTheirNumbersAndStatusShowsEachOne() throws {
    try RuntimeHarness.withPool(Self.pool(name: "iR-rep-env", replicas: 3)) { context in
      let report = try context.runtime.start()
      #expect(report.succeeded, "\(report)")
      // Dependents wait for every instance: front started after all three were healthy.
      for replica in 1...3 {
        #expect(FileManager.default.fileExists(atPath: context.folder + "/ready-\(replica)"))
      }
      let status = try context.runtime.status()
      #expect(status.processes.map(\.process) == ["w@1", "w@2", "w@3", "front"])
      #expect(status.processes.map(\.unit) == ["iR-rep-env-w@1.service", "iR-rep-env-w@2.service", "iR-rep-env-w@3.service", "iR-rep-env-front.service"])
      #expect(try context.runtime.status(["w"]).processes.map(\.process) == ["w@1", "w@2", "w@3"])
      let pids = try Self.pids(context.runtime)
      for replica in 1...3 {
        let pid = try #require(pids["w@\(replica)"])
        let environment = Self.environment(pid)
        #expect(environment["CGIPOOL_REPLICA"] == String(replica))
        #expect(environment["SLOT"] == String(format: "%02d", replica - 1))
        #expect(environment["LABEL"] == "w \(replica) of 3")
        // The command's placeholders too: the instance wrote its own file.
        let written = try String(contentsOfFile: context.folder + "/ready-\(replica)", encoding: .utf8)
        #expect(written.trimmingCharacters(in: .whitespacesAndNewlines) == String(pid))
      }
      #expect(Self.environment(try #require(pids["front"]))["CGIPOOL_REPLICA"] == nil)
    }
  }

  /// With `frontFollows` too: a dependent with `restart: true` (`PartOf=` each instance) keeps
  /// running when instances are removed, as a plain one does (their stops do not propagate).
  @Test(arguments: [false, true]) func scaleUpIsHealthGatedAndScaleDownLeavesNothing(frontFollows: Bool) throws {
    let name = frontFollows ? "iR-rep-scalef" : "iR-rep-scale"
    try RuntimeHarness.withPool(Self.pool(name: name, replicas: 2, frontFollows: frontFollows)) { context in
      #expect(try context.runtime.start().succeeded)
      let before = try Self.pids(context.runtime)
      let grown = try RuntimeHarness.runtime(for: context.runtime.pool.withReplicas(["w": 4]), like: context)
      let up = try grown.start(["w@3", "w@4"])
      #expect(up.succeeded, "\(up)")
      // Health-gated: when start returns, each new instance has passed its probe.
      for replica in 3...4 { #expect(FileManager.default.fileExists(atPath: context.folder + "/ready-\(replica)")) }
      let after = try Self.pids(grown)
      #expect(after["w@1"] == before["w@1"] && after["w@2"] == before["w@2"] && after["front"] == before["front"])
      #expect(Self.environment(try #require(after["w@4"]))["CGIPOOL_REPLICA"] == "4")
      // The manager's view, without any record: the running pool has 4.
      let live = try LiveReplicas.pool(context.runtime.pool, manager: context.runtime.manager)
      #expect(live.replicaCounts == ["w": 4])

      let removedPIDs = [try #require(after["w@2"]), try #require(after["w@3"]), try #require(after["w@4"])]
      let down = try grown.scaleDown("w", to: 1)
      #expect(down.results.map(\.process).sorted() == ["w@2", "w@3", "w@4"])
      #expect(down.nothingLeft, "\(down)")
      for pid in removedPIDs { #expect(!RuntimeHarness.isAlive(pid), "pid \(pid) of a removed instance") }
      let left = PoolCensus.processes(
        pool: name, units: Set(["w@2", "w@3", "w@4"].map(grown.names.service)))
      #expect(left.isEmpty, "\(left)")
      #expect(RuntimeHarness.isAlive(try #require(after["w@1"])))
      #expect(RuntimeHarness.isAlive(try #require(after["front"])), "a dependent is not stopped by a scale down")
      let shrunk = try LiveReplicas.pool(context.runtime.pool, manager: context.runtime.manager, recorded: ["w": 1])
      #expect(shrunk.replicaCounts == ["w": 1], "the recorded count wins over the config's 2")
      let rows = try RuntimeHarness.runtime(for: shrunk, like: context).status().processes.map(\.process)
      #expect(rows == ["w@1", "front"])
    }
  }

  @Test func stopOfAScaledPoolLeavesNothing() throws {
    try RuntimeHarness.withPool(Self.pool(name: "iR-rep-stop", replicas: 2)) { context in
      #expect(try context.runtime.start().succeeded)
      let grown = try RuntimeHarness.runtime(for: context.runtime.pool.withReplicas(["w": 3]), like: context)
      #expect(try grown.start(["w@3"]).succeeded)
      // A later command reads the config (2) and finds the third instance in the manager.
      let live = try RuntimeHarness.runtime(
        for: LiveReplicas.pool(context.runtime.pool, manager: context.runtime.manager), like: context)
      let pids = try Self.pids(live)
      #expect(pids.count == 4)
      let report = try live.stop()
      #expect(report.nothingLeft, "\(report)")
      for (process, pid) in pids { #expect(!RuntimeHarness.isAlive(pid), "\(process) pid \(pid)") }
      let units = PoolCensus.units(of: ["w@1", "w@2", "w@3", "front"], names: live.names)
      #expect(PoolCensus.processes(pool: "iR-rep-stop", units: units).isEmpty)
    }
  }

  @Test func restartRollsOneInstanceAtATimeEachHealthyBeforeTheNext() throws {
    try RuntimeHarness.withPool(Self.pool(name: "iR-rep-roll", replicas: 3)) { context in
      #expect(try context.runtime.start().succeeded)
      let old = try Self.pids(context.runtime)
      var seen: [ReplicaApplyTests.Snapshot] = []
      let report = try context.runtime.restart(["w"], rolling: { instance in
        seen.append(ReplicaApplyTests.snapshot(instance, context.runtime, folder: context.folder))
      })
      #expect(report.start.succeeded && report.halted == nil, "\(report)")
      ReplicaApplyTests.expectRolled(seen, old: old)
      let now = try Self.pids(context.runtime)
      for replica in 1...3 { #expect(now["w@\(replica)"] != old["w@\(replica)"]) }
      #expect(now["front"] == old["front"], "a dependent does not restart with the roll")
    }
  }

  @Test func aFailingInstanceStopsTheRollAndTheRestKeepTheirPIDs() throws {
    try RuntimeHarness.withPool(Self.pool(name: "iR-rep-halt", replicas: 3)) { context in
      #expect(try context.runtime.start().succeeded)
      let old = try Self.pids(context.runtime)
      FileManager.default.createFile(atPath: context.folder + "/fail-2", contents: Data())
      let report = try context.runtime.restart(["w"])
      #expect(!report.start.succeeded)
      let halted = try #require(report.halted)
      #expect(halted.process == "w" && halted.instance == "w@2" && halted.untouched == ["w@3"])
      let now = try Self.pids(context.runtime)
      #expect(now["w@1"] != nil && now["w@1"] != old["w@1"], "the first instance was restarted")
      #expect(now["w@3"] == old["w@3"], "the third keeps the old version")
      #expect(RuntimeHarness.isAlive(try #require(old["w@3"])))
      #expect(now["front"] == old["front"])
    }
  }

  /// A `restart: true` dependent of a rolled group keeps running through the roll (each
  /// instance stops alone) and restarts once, after the last instance is back.
  @Test func aRestartingDependentRestartsOnceAfterTheRoll() throws {
    try RuntimeHarness.withPool(Self.pool(name: "iR-rep-follow", replicas: 2, frontFollows: true)) { context in
      #expect(try context.runtime.start().succeeded)
      let old = try Self.pids(context.runtime)
      var frontDuringRoll: [Int32?] = []
      let report = try context.runtime.restart(["w"], rolling: { _ in
        frontDuringRoll.append(try? Self.pids(context.runtime)["front"])
      })
      #expect(report.start.succeeded && report.halted == nil, "\(report)")
      #expect(report.start.results.map(\.process) == ["w@1", "w@2", "front"], "\(report)")
      #expect(frontDuringRoll == [old["front"], old["front"]], "front kept running while the instances rolled")
      let now = try Self.pids(context.runtime)
      for process in ["w@1", "w@2", "front"] { #expect(now[process] != nil && now[process] != old[process], "\(process): \(old) -> \(now)") }
      #expect(!RuntimeHarness.isAlive(try #require(old["front"])))
    }
  }
}
