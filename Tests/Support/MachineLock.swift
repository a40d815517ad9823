import Foundation
import Testing

/// Exclusive use of something the whole machine shares, for the duration of a test or suite.
///
/// Swift Testing runs suites in parallel, and so do two test runs on one machine. A test that
/// needs a machine-wide resource alone takes this trait, which holds an advisory `flock(2)` on
/// `/tmp/cgipool-<name>.lock`: within one process each acquisition opens its own file
/// description, so the lock serializes threads and processes alike. It waits by polling with
/// `Task.sleep`, never blocking a cooperative thread.
public struct MachineLockTrait: SuiteTrait, TestTrait, TestScoping {
  /// What the lock guards, part of the lock file's name.
  public var name: String

  /// The lock file; `/tmp` is shared by every test run on the machine.
  public var lockPath: String { "/tmp/cgipool-\(name).lock" }

  /// Applied to a suite, one acquisition covers all its tests: a non-recursive suite trait is
  /// not handed down to them.
  public var isRecursive: Bool { false }

  /// Creates the trait; use `.demoPorts` or `.orphanScan`.
  public init(name: String) {
    self.name = name
  }

  /// Holds the lock while `function` runs.
  public func provideScope(
    for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
  ) async throws {
    let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o666)
    guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    defer { close(descriptor) }
    while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
      try await Task.sleep(for: .milliseconds(250))
    }
    try await function()
  }
}

extension Trait where Self == MachineLockTrait {
  /// Runs the test or suite alone among everything that binds the demo pool's fixed ports
  /// (8080, 8001, 9001, 9002, and the health ports 8081, 8002, 9101, 9102, 9201, 9202): the ops scripts, the demo installed in a booted container (which
  /// shares the host's network), the soak.
  public static var demoPorts: Self { MachineLockTrait(name: "demo-ports") }

  /// Runs the test or suite alone among those that start processes matching the default orphan
  /// patterns (`*.cgi`, `pool/manager.py`, ...) and those that run a real `cgipool cleanup` with
  /// them, which ends every such process on the machine, another test's included.
  public static var orphanScan: Self { MachineLockTrait(name: "orphan-scan") }
}
