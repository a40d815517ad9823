import CgiPoolRuntime
import Foundation
import Testing

extension Faults {
  /// Case 2: a healthy process that ends while running, by exit status or by a signal.
  @Suite struct CrashWhileRunning {
    /// How the process ends, and whether its policy brings it back.
    struct Crash: Sendable, CustomTestStringConvertible {
      let policy: String
      /// An exit status, or `nil` for SIGKILL from outside.
      let exitStatus: Int?
      let restarted: Bool
      var testDescription: String { "\(policy), \(exitStatus.map { "exit \($0)" } ?? "SIGKILL")" }
    }

    static let crashes: [Crash] = [
      Crash(policy: "always", exitStatus: 1, restarted: true),
      Crash(policy: "always", exitStatus: 0, restarted: true),
      Crash(policy: "on-failure", exitStatus: 1, restarted: true),
      Crash(policy: "on-failure", exitStatus: nil, restarted: true),
      Crash(policy: "on-failure", exitStatus: 0, restarted: false),
      Crash(policy: "no", exitStatus: 1, restarted: false),
      Crash(policy: "no", exitStatus: nil, restarted: false),
    ]

    @Test(arguments: crashes)
    func policyDecidesTheRestart(crash: Crash) throws {
      // Waits for a trigger file, removes it (so a restarted copy waits again) and exits.
      let script = "while [ ! -e crash ]; do sleep 0.05; done; rm -f crash; exit \(crash.exitStatus ?? 0)"
      let json = """
        {"name": "run", "processes": {"svc": {"command": ["sh", "-c", \(RuntimeHarness.quote(script))],
          "restart_policy": "\(crash.policy)", "restart_delay": 0.2}}}
        """
      try RuntimeHarness.withPool(json) { context in
        #expect(try context.runtime.start().succeeded)
        let before = try #require(try Faults.state(context, "run-svc.service"))
        #expect(before.mainPID > 0 && before.restarts == 0)
        if crash.exitStatus != nil {
          try Data().write(to: URL(fileURLWithPath: context.folder + "/crash"))
        } else {
          kill(before.mainPID, SIGKILL)
        }
        #expect(RuntimeHarness.eventually(timeout: 10) { !RuntimeHarness.isAlive(before.mainPID) })
        if crash.restarted {
          let up = try RuntimeHarness.eventually(timeout: 10) {
            guard let state = try Faults.state(context, "run-svc.service") else { return false }
            return state.isActive && state.mainPID > 0 && state.mainPID != before.mainPID
          }
          #expect(up, "not restarted")
          let status = try Faults.status(context, "svc")
          #expect(status.state == .active && status.restarts == 1, "\(status)")
          #expect(status.mainPID.map(RuntimeHarness.isAlive) == true)
          return
        }
        // Not restarted: it settles failed (an error) or goes away (a clean end), and stays so.
        let settled = try RuntimeHarness.eventually(timeout: 10) {
          let state = try Faults.state(context, "run-svc.service")
          return state == nil || state?.activeState == .failed || state?.activeState == .inactive
        }
        #expect(settled)
        usleep(600_000)  // three restart delays: a restart would have begun by now
        let state = try Faults.state(context, "run-svc.service")
        let status = try Faults.status(context, "svc")
        #expect(status.restarts == 0 && status.mainPID == nil, "\(status)")
        switch crash.exitStatus {
        case 0?:
          // A clean end: the transient unit is unloaded.
          #expect(state == nil, "\(String(describing: state))")
          #expect(status.state == .inactive)
          #expect(status.finished == (crash.policy == "no"))
        case let code?:
          #expect(state?.activeState == .failed && state?.result == .exitCode && state?.execMainStatus == Int32(code))
          #expect(status.note == nil, "a 'no' process that failed did not hit a start limit: \(status)")
        case nil:
          #expect(state?.activeState == .failed && state?.result == .signal && state?.execMainStatus == SIGKILL)
        }
      }
    }
  }
}
