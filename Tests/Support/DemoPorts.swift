import Foundation
import Testing

/// Exclusive use of the demo pool's fixed ports (8080, 8001, 9001, 9002) for the duration of a
/// test or suite.
///
/// Several suites run the demo pool (the ops scripts on the private manager, the demo installed
/// in a booted container that shares the host's network), and Swift Testing runs suites in
/// parallel; so do two test runs on one machine. Each such test takes this trait, which holds an
/// advisory `flock(2)` on `/tmp/cgipool-demo-ports.lock`: within one process each acquisition
/// opens its own file description, so the lock serializes threads and processes alike. It waits
/// by polling with `Task.sleep`, never blocking a cooperative thread.
public struct DemoPortsTrait: SuiteTrait, TestTrait, TestScoping {
  /// The lock file; `/tmp` is shared by every test run on the machine.
  public static let lockPath = "/tmp/cgipool-demo-ports.lock"

  /// Applied to a suite, one acquisition covers all its tests: a non-recursive suite trait is
  /// not handed down to them.
  public var isRecursive: Bool { false }

  /// Creates the trait; use `.demoPorts`.
  public init() {}


  /// Holds the lock while `function` runs.
  public func provideScope(
    for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
  ) async throws {
    let descriptor = open(Self.lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o666)
    guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    defer { close(descriptor) }
    while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
      try await Task.sleep(for: .milliseconds(250))
    }
    try await function()
  }
}

extension Trait where Self == DemoPortsTrait {
  /// Runs the test or suite alone among everything that binds the demo pool's ports.
  public static var demoPorts: Self { DemoPortsTrait() }
}
