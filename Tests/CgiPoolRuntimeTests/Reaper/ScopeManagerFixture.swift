import CgiPoolRuntime
import Foundation
import SystemdBus
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A real private systemd manager for the scope terminator's tests.
///
/// Minimal glue copied from `Tests/SystemdBusTests/PrivateManagerFixture.swift` (test targets
/// cannot import each other); the work itself is done by `PrivateManager`.
enum ScopeManagerFixture {
  /// True under CI (`CI=true`), where tests that need root must run and fail rather than skip.
  static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"

  /// Whether the tests run: as root always; under CI always (failing when not root).
  static let enabled: Bool = {
    if geteuid() == 0 || isCI { return true }
    print("ScopeTerminatorTests: skipping private-manager tests: they need root (mount namespace, cgroups)")
    return false
  }()

  /// Starts a private manager in a fresh folder, runs `body` with it and a connected client, and
  /// always stops it and removes what it left, even when `body` throws or stopped it itself.
  static func withPrivateManager<R>(_ body: (PrivateManager, SystemdManager) throws -> R) throws -> R {
    try #require(geteuid() == 0, "private-manager tests need root (CI=true makes this a failure, not a skip)")
    let token = String(UInt32.random(in: .min ... .max), radix: 16)
    let privateManager = PrivateManager(runtimeDirectory: "/tmp/cgipool-test-\(getpid())-\(token)")
    defer {
      do {
        _ = try privateManager.stop()
      } catch {
        Issue.record("stopping the private manager failed: \(error)")
      }
    }
    let endpoint = try privateManager.start()
    return try body(privateManager, try endpoint.connect())
  }
}
