import CgiPoolRuntime
import CgiPoolTestSupport
import Foundation
import Testing

/// Failed starts on a real private manager: each names the unit, the job result and why.
@Suite(.enabled(if: PrivateManagerFixture.enabled)) struct StartFailureTests {
  @Test func immediateExitFailsAndDependentsReportDependency() throws {
    let json = """
      {"name": "crash", "processes": {
        "base": {"command": ["sh", "-c", "exit 1"], "restart_policy": "no",
          "health_check": {"type": "command", "target": "true", "timeout": 2}},
        "app": {"command": ["sleep", "300"], "depends_on": ["base"]},
        "top": {"command": ["sleep", "300"], "depends_on": ["app"]}
      }}
      """
    try RuntimeHarness.withPool(json) { context in
      let report = try context.runtime.start()
      #expect(!report.succeeded)
      let outcomes = Dictionary(uniqueKeysWithValues: report.results.map { ($0.process, $0.outcome) })
      guard case .failed(let why)? = outcomes["base"] else {
        Issue.record("base should fail: \(report)")
        return
      }
      #expect(why.contains("exited with status 1"), "\(why)")
      #expect(outcomes["app"] == .dependencyFailed("not started: dependency base did not start"))
      guard case .dependencyFailed? = outcomes["top"] else {
        Issue.record("top should not start: \(report)")
        return
      }
      #expect(try context.runtime.manager.unitState("crash-app.service")?.isActive != true)
    }
  }

  @Test func executableRemovedAfterCompileFailsTheStart() throws {
    let json = #"{"name": "gone", "processes": {"tool": {"command": ["./tool.sh"], "restart_delay": 0.1}}}"#
    // The compiler resolves commands, so the script must exist for the compile and vanish before the start.
    try RuntimeHarness.withPoolPreparing(json, prepare: { folder in
      try "#!/bin/sh\nexec sleep 300\n".write(toFile: folder + "/tool.sh", atomically: true, encoding: .utf8)
      chmod(folder + "/tool.sh", 0o755)
    }) { context in
      try FileManager.default.removeItem(atPath: context.folder + "/tool.sh")
      let report = try context.runtime.start()
      #expect(!report.succeeded)
      // Policy on-failure: systemd retries; start follows the retries to their end (Faults.CrashAtStart).
      guard case .failed(let why)? = report.results.first?.outcome else {
        Issue.record("expected a failed start after systemd's retries: \(report)")
        return
      }
      #expect(why.contains("cannot execute the command (./tool.sh"), "\(why)")
      #expect(why.contains("systemd gave up after 5 restarts"), "\(why)")
      #expect(why.contains("203"), "\(why)")
    }
  }

  @Test func probeThatNeverPassesNamesTheProbeAndWhatItSaw() throws {
    let port = RuntimeHarness.freePort()
    let json = """
      {"name": "probe", "processes": {"deaf": {"command": ["sleep", "300"], "restart_policy": "no",
        "startup_delay": 0.2, "health_check": {"type": "port", "target": "\(port)", "timeout": 1}}}}
      """
    try RuntimeHarness.withPool(json) { context in
      let began = Date()
      let report = try context.runtime.start()
      let elapsed = Date().timeIntervalSince(began)
      guard case .failed(let why)? = report.results.first?.outcome else {
        Issue.record("expected a failure: \(report)")
        return
      }
      #expect(why.contains("health probe failed"), "\(why)")
      #expect(why.contains("probe said: port 127.0.0.1:\(port): connection refused"), "\(why)")
      // It gave up after about startup_delay + timeout, not after systemd's long default.
      #expect(elapsed < 10, "took \(elapsed)s")
    }
  }
}
