import Foundation
import Testing

@testable import CgiPoolRuntime

/// A read interrupted by a signal (a Ctrl+C reaching `start --monitor` mid-call) is read again;
/// any other failure, and an interruption that never ends, still surface.
@Suite struct InterruptedReadTests {
  static let interrupted = SystemdError(name: "System.Error.EINTR", message: "Interrupted system call", errno: EINTR)

  @Test func anInterruptedReadIsReadAgain() throws {
    var calls = 0
    let value = try BusSystemdManager.retryingInterrupted { () throws(SystemdError) -> Int in
      calls += 1
      if calls < 3 { throw Self.interrupted }
      return 42
    }
    #expect(value == 42)
    #expect(calls == 3)
  }

  @Test func otherFailuresAreNotRetried() {
    var calls = 0
    #expect(throws: SystemdError.self) {
      try BusSystemdManager.retryingInterrupted { () throws(SystemdError) -> Int in
        calls += 1
        throw SystemdError(message: "no such unit", errno: ENOENT)
      }
    }
    #expect(calls == 1)
  }

  @Test func endlessInterruptionsEndInTheError() {
    var calls = 0
    #expect(throws: SystemdError.self) {
      try BusSystemdManager.retryingInterrupted { () throws(SystemdError) -> Int in
        calls += 1
        throw Self.interrupted
      }
    }
    #expect(calls == 6)
  }
}
