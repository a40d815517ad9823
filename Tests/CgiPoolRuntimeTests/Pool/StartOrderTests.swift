import CgiPoolRuntime
import CgiPoolTestSupport
import Foundation
import Testing

/// Start order on a real private manager: dependencies healthy before dependents start.
@Suite(.enabled(if: PrivateManagerFixture.enabled)) struct StartOrderTests {
  @Test func dagStartsInParallelAndInOrder() throws {
    let ports = (0..<4).map { _ in RuntimeHarness.freePort() }
    let stamps = NSTemporaryDirectory() + "cgipool-stamps-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: stamps, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: stamps) }
    let script = RuntimeHarness.fixtures + "/late_port.py"
    func process(_ name: String, _ port: Int, _ delay: Int, _ deps: [String]) -> String {
      """
      "\(name)": {"command": ["python3", \(RuntimeHarness.quote(script)), "\(name)", "\(port)", "\(delay)", \(RuntimeHarness.quote(stamps))],
        "depends_on": [\(deps.map { "\"\($0)\"" }.joined(separator: ", "))],
        "health_check": {"type": "port", "target": "\(port)", "timeout": 10}}
      """
    }
    let json = """
      {"name": "order", "processes": {
        \(process("a", ports[0], 400, [])),
        \(process("b", ports[1], 200, [])),
        \(process("c", ports[2], 100, ["a", "b"])),
        \(process("d", ports[3], 50, ["c"]))
      }}
      """
    try RuntimeHarness.withPool(json) { context in
      let report = try context.runtime.start()
      #expect(report.succeeded, "\(report)")
      #expect(report.results.map(\.process) == ["a", "b", "c", "d"])
      #expect(report.results.allSatisfy { $0.outcome == .started })
      let edges = [("a", "c"), ("b", "c"), ("c", "d")]
      for (dependency, dependent) in edges {
        let bound = try #require(RuntimeHarness.stamp("\(stamps)/\(dependency).bound"))
        let started = try #require(RuntimeHarness.stamp("\(stamps)/\(dependent).start"))
        let state = try #require(try context.runtime.manager.unitState("order-\(dependent).service"))
        // The dependent's main process began after the dependency's port opened, not merely after its process started.
        #expect(state.mainStartMonotonic >= bound, "\(dependent) started before \(dependency) was listening")
        #expect(started >= bound)
      }
      // Independent branches start together: b was running before a became ready.
      let aBound = try #require(RuntimeHarness.stamp("\(stamps)/a.bound"))
      let bStart = try #require(RuntimeHarness.stamp("\(stamps)/b.start"))
      #expect(bStart < aBound, "b waited for a although it does not depend on it")
    }
  }

  @Test func startIsIdempotentAndReportsStaleDefinitions() throws {
    let json = """
      {"name": "idem", "processes": {
        "sleeper": {"command": ["sleep", "300"], "env": {"MODE": "one"}},
        "other": {"command": ["sleep", "301"], "depends_on": ["sleeper"]}
      }}
      """
    try RuntimeHarness.withPool(json) { context in
      let first = try context.runtime.start()
      #expect(first.results.map(\.outcome) == [.started, .started])
      let pids = try ["sleeper", "other"].map { try #require(try context.runtime.manager.unitState("idem-\($0).service")).mainPID }
      let second = try context.runtime.start()
      #expect(second.results.map(\.outcome) == [.alreadyRunning, .alreadyRunning])
      let again = try ["sleeper", "other"].map { try #require(try context.runtime.manager.unitState("idem-\($0).service")).mainPID }
      #expect(again == pids, "a second start must not duplicate or replace processes")

      // The same pool with a changed environment: reported, not silently kept.
      var changed = context.runtime.pool
      changed.processes["sleeper"]!.env["MODE"] = "two"
      let stale = try RuntimeHarness.runtime(for: changed, like: context)
      let third = try stale.start(["sleeper"])
      #expect(third.results.map(\.outcome) == [.restartNeeded("environment changed")])
    }
  }

  @Test func restartReplacesProcessesWithTheNewDefinition() throws {
    let json = #"{"name": "rs", "processes": {"one": {"command": ["sleep", "300"], "env": {"V": "1"}}}}"#
    try RuntimeHarness.withPool(json) { context in
      _ = try context.runtime.start()
      let before = try #require(try context.runtime.manager.unitState("rs-one.service"))
      var changed = context.runtime.pool
      changed.processes["one"]!.env["V"] = "2"
      let updated = try RuntimeHarness.runtime(for: changed, like: context)
      _ = try updated.stop(["one"])
      let report = try updated.start(["one"])
      #expect(report.results.map(\.outcome) == [.started])
      let after = try #require(try context.runtime.manager.unitState("rs-one.service"))
      #expect(after.mainPID != before.mainPID)
      #expect(after.environment == ["V=2"])
    }
  }
}
