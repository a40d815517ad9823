import CgiPoolRuntime
import CgiPoolTestSupport
import Foundation
import ProcessConfig
import SystemdBus
import Testing
import UnitCompiler

/// Runs a pool against a fresh private systemd manager, and always cleans up.
enum RuntimeHarness {
  /// `Tests/CgiPoolRuntimeTests/Fixtures`.
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures").path

  /// The cgipool binary (health probes run it), built by `swift build` before the tests.
  static var cgipool: String {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    return ProcessInfo.processInfo.environment["CGIPOOL_BINARY"] ?? root.appendingPathComponent(".build/debug/cgipool").path
  }

  /// Everything a test gets: the runtime, the raw manager client, a scratch folder.
  struct Context {
    let runtime: PoolRuntime
    let manager: SystemdManager
    let endpoint: ManagerEndpoint
    let folder: String
    let compiled: CompiledPool
  }

  /// Parses `json` (its relative cwds resolve against a scratch folder), compiles it for a
  /// private manager, and runs `body`; the manager and folder are removed afterwards.
  static func withPool<R>(_ json: String, _ body: (Context) throws -> R) throws -> R {
    let folder = NSTemporaryDirectory() + "cgipool-runtime-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder + "/logs", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    return try withPool(json, folder: folder, body)
  }

  /// `withPool` in an existing scratch folder (the caller removes it).
  static func withPool<R>(_ json: String, folder: String, _ body: (Context) throws -> R) throws -> R {
    try #require(FileManager.default.isExecutableFile(atPath: cgipool), "build cgipool first (make test does)")
    let pool = try ConfigLoader.parse(Array(json.utf8), file: "test.json", baseDirectory: folder)
    return try PrivateManagerFixture.withPrivateManager { endpoint, manager in
      let options = CompileOptions(
        probeExecutable: cgipool, searchPath: "/usr/local/bin:/usr/bin:/bin", logDirectory: folder + "/logs",
        managerVersion: try manager.majorVersion, busAddress: endpoint.address)
      let compiled = try UnitCompiler(options: options).compile(pool)
      let runtime = PoolRuntime(
        pool: pool, compiled: compiled, manager: BusSystemdManager(manager: manager, description: "\(endpoint)"),
        logDirectory: folder + "/logs",
        healthState: HealthStateFile(path: HealthStateLocation.file(pool: pool.name, endpoint: endpoint)))
      defer { _ = try? runtime.stop() }
      return try body(Context(runtime: runtime, manager: manager, endpoint: endpoint, folder: folder, compiled: compiled))
    }
  }

  /// A TCP port that was free a moment ago.
  static func freePort() -> Int { FreePort.next() }

  /// A JSON string literal.
  static func quote(_ text: String) -> String {
    let data = try! JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])
    let array = String(decoding: data, as: UTF8.self)
    return String(array.dropFirst().dropLast())
  }

  /// Reads an integer written by a fixture service, waiting up to `timeout` seconds for it.
  static func stamp(_ path: String, timeout: Double = 5) -> UInt64? {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      if let text = try? String(contentsOfFile: path, encoding: .utf8),
        let value = UInt64(text.trimmingCharacters(in: .whitespacesAndNewlines))
      {
        return value
      }
      usleep(20_000)
    }
    return nil
  }

  /// Polls `condition` every 50 ms for up to `timeout` seconds.
  static func eventually(timeout: Double = 10, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    repeat {
      if try condition() { return true }
      usleep(50_000)
    } while Date() < deadline
    return false
  }

  /// Whether a process with `pid` exists (zombies count as gone).
  static func isAlive(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
    guard let close = stat.lastIndex(of: ")") else { return false }
    let state = stat[stat.index(close, offsetBy: 2)]
    return state != "Z" && state != "X"
  }
}

extension RuntimeHarness {
  /// A runtime for `pool` on the same manager and folders as `context` (a changed config).
  static func runtime(for pool: ProcessConfig.PoolConfig, like context: Context) throws -> PoolRuntime {
    let options = CompileOptions(
      probeExecutable: cgipool, searchPath: "/usr/local/bin:/usr/bin:/bin", logDirectory: context.folder + "/logs",
      managerVersion: try context.manager.majorVersion, busAddress: context.endpoint.address)
    let compiled = try UnitCompiler(options: options).compile(pool)
    return PoolRuntime(
      pool: pool, compiled: compiled,
      manager: BusSystemdManager(manager: context.manager, description: "\(context.endpoint)"),
      logDirectory: context.folder + "/logs")
  }
}

extension RuntimeHarness {
  /// Like `withPool`, running `prepare` on the scratch folder before the config is compiled.
  static func withPoolPreparing<R>(
    _ json: String, prepare: (String) throws -> Void, _ body: (Context) throws -> R
  ) throws -> R {
    let folder = NSTemporaryDirectory() + "cgipool-runtime-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder + "/logs", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try prepare(folder)
    return try withPool(json, folder: folder, body)
  }
}

extension RuntimeHarness {
  /// The checkout's `templates/` folder.
  static let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("templates").path
}
