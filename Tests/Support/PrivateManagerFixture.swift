import CgiPoolRuntime
import Foundation
import SystemdBus
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Helpers to run tests against a real private systemd manager.
public enum PrivateManagerFixture {
  /// True under CI (`CI=true`), where tests that need root must run and fail rather than skip.
  public static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"

  /// Whether manager tests run: as root always; under CI always (failing when not root).
  public static let enabled: Bool = {
    if geteuid() == 0 { return true }
    if isCI { return true }
    print("SystemdBusTests: skipping private-manager tests: they need root (mount namespace, cgroups)")
    return false
  }()

  /// A fresh runtime folder (and so cgroup name) for one test run.
  public static func uniqueManager() -> PrivateManager {
    let token = String(UInt32.random(in: .min ... .max), radix: 16)
    return PrivateManager(runtimeDirectory: "/tmp/cgipool-test-\(getpid())-\(token)")
  }

  /// Starts a private manager in a unique folder, runs `body` with its endpoint and a connected
  /// client, and always stops it and removes everything it left, even when `body` throws.
  public static func withPrivateManager<R>(
    _ body: (ManagerEndpoint, SystemdManager) throws -> R
  ) throws -> R {
    try run { _, endpoint, manager in try body(endpoint, manager) }
  }

  /// Like `withPrivateManager`, handing over the `PrivateManager` itself (tests that stop it early).
  public static func withManagerProcess<R>(
    _ body: (PrivateManager, SystemdManager) throws -> R
  ) throws -> R {
    try run { privateManager, _, manager in try body(privateManager, manager) }
  }

  private static func run<R>(
    _ body: (PrivateManager, ManagerEndpoint, SystemdManager) throws -> R
  ) throws -> R {
    try #require(geteuid() == 0, "private-manager tests need root (CI=true makes this a failure, not a skip)")
    let privateManager = uniqueManager()
    defer {
      do {
        _ = try privateManager.stop()
      } catch {
        Issue.record("stopping the private manager failed: \(error)")
      }
    }
    let endpoint = try privateManager.start()
    return try body(privateManager, endpoint, try endpoint.connect())
  }

  /// A unit name unique to this process and call.
  public static func unitName(_ stem: String, suffix: String = "service") -> String {
    "cgipool-test-\(stem)-\(String(UInt32.random(in: .min ... .max), radix: 16)).\(suffix)"
  }

  /// The `ExecStart` property value (`a(sasb)`): path, argv, ignore-failure.
  public static func execStart(_ argv: [String]) -> BusValue {
    .array("(sasb)", [.struct([.string(argv[0]), .strings(argv), .bool(false)])])
  }
}
