import CgiPoolRuntime
import Foundation
import Testing

extension Faults {
  /// Case 3: the readiness probe never passes (see also `StartFailureTests` for a closed port).
  @Suite struct ProbeNeverPasses {
    @Test func startFailsAfterDelayPlusTimeoutNamingTheProbeAndWhatItSaw() throws {
      let server = try FixtureServer()
      defer { server.stop() }
      let command = "echo not ready: db down; exit 2"
      let json = """
        {"name": "deaf", "processes": {
          "web": {"command": ["sleep", "300"], "restart_policy": "no", "startup_delay": 0.3,
            "health_check": {"type": "http", "target": "\(server.url("/error"))", "timeout": 1}},
          "job": {"command": ["sleep", "300"], "restart_policy": "no", "startup_delay": 0.3,
            "health_check": {"type": "command", "target": \(RuntimeHarness.quote(command)), "timeout": 1}}
        }}
        """
      try RuntimeHarness.withPool(json) { context in
        let began = Date()
        let report = try context.runtime.start()
        let elapsed = Date().timeIntervalSince(began)
        let outcomes = Faults.outcomes(report)
        guard case .failed(let web)? = outcomes["web"], case .failed(let job)? = outcomes["job"] else {
          Issue.record("both should fail: \(report)")
          return
        }
        #expect(web.hasPrefix("health probe failed; probe said: http \(server.url("/error")): HTTP 503 Service Unavailable; gave up after "), "\(web)")
        #expect(web.hasSuffix(", timeout 1.00s"), "\(web)")
        #expect(job.hasPrefix("health probe failed; probe said: command '\(command)': exit 2, output: not ready: db down; gave up after "), "\(job)")
        // startup_delay + timeout, then the failure: not before, and not systemd's long default later.
        #expect(elapsed >= 1.3, "failed after \(elapsed)s")
        #expect(elapsed < 15, "failed after \(elapsed)s")
        for unit in ["deaf-web.service", "deaf-job.service"] {
          let state = try #require(try Faults.state(context, unit))
          #expect(state.activeState == .failed && state.result == .exitCode, "\(state)")
        }
      }
    }
  }
}
