import CgiPoolRuntime
import Foundation
import Testing

extension Faults {
  /// Cases 5 and 6: processes that resist a stop. `StopAndStatusTests` covers a main process
  /// that ignores SIGTERM and a double-forked grandchild that obeys it; these add the rest.
  @Suite struct StopFaults {
    @Test func processIgnoringSIGTERMIsKilledAfterStopTimeoutAndStatusSaysSo() throws {
      let json = """
        {"name": "deaf", "processes": {"svc": {"command": ["sh", "-c", "trap '' TERM; while :; do sleep 0.1; done"],
          "restart_policy": "always", "stop_timeout": 1}}}
        """
      try RuntimeHarness.withPool(json) { context in
        #expect(try context.runtime.start().succeeded)
        let pid = try #require(try Faults.status(context, "svc").mainPID)
        let began = Date()
        let report = try context.runtime.stop()
        #expect(Date().timeIntervalSince(began) >= 1, "SIGKILL came before stop_timeout")
        #expect(report.results.map(\.outcome) == [.killed])
        #expect(report.nothingLeft)
        #expect(!RuntimeHarness.isAlive(pid))
        // Stopped on purpose: Restart=always does not bring it back, and status tells why it is down.
        usleep(300_000)
        let status = try Faults.status(context, "svc")
        #expect(status.state == .failed && status.lastResult == .timeout && status.restarts == 0, "\(status)")
        #expect(status.note == "did not stop within its stop_timeout and was killed (SIGKILL)", "\(status)")
      }
    }

    @Test func doubleForkedGrandchildIgnoringSIGTERMIsGoneAfterStop() throws {
      // The grandchild leaves the parent's session and ignores SIGTERM; only the cgroup still holds it.
      let script = "setsid sh -c 'trap \"\" TERM; echo $$ > grandchild.pid; while :; do sleep 0.1; done' & exec sleep 300"
      let json = """
        {"name": "orphan", "processes": {"parent": {"command": ["sh", "-c", \(RuntimeHarness.quote(script))], "stop_timeout": 1}}}
        """
      try RuntimeHarness.withPool(json) { context in
        #expect(try context.runtime.start().succeeded)
        let grandchild = Int32(try #require(RuntimeHarness.stamp(context.folder + "/grandchild.pid")))
        #expect(try context.runtime.manager.unitProcesses("orphan-parent.service").contains(grandchild))
        let report = try context.runtime.stop()
        #expect(report.results.map(\.outcome) == [.killed], "the parent obeyed, the grandchild needed SIGKILL")
        #expect(report.nothingLeft)
        #expect(RuntimeHarness.eventually(timeout: 5) { !RuntimeHarness.isAlive(grandchild) }, "grandchild \(grandchild) survived")
        #expect(try context.runtime.manager.unitProcesses("orphan-parent.service").isEmpty)
      }
    }
  }
}
