import CgiPoolTestSupport
import Foundation
import Testing

/// `cgipool cleanup` run as the built binary. A real cleanup is only run with a
/// config whose one pattern carries a random token, so that it cannot end a
/// process these tests did not start; with the default patterns only `--dry-run`.
@Suite(.orphanScan) struct CleanupCommandTests {
  /// The built `cgipool`, beside the test bundle.
  static var binary: String {
    let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
    return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("cgipool").path
  }

  /// Runs the binary; returns exit status, stdout and stderr.
  static func run(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
  }

  @Test func dryRunListsAStrayWithoutTouchingIt() throws {
    let token = String(UInt64.random(in: 1 << 40..<1 << 44), radix: 16)
    let folder = NSTemporaryDirectory() + "cgipool-cleanup-\(token)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let cgi = folder + "/echo_\(token).cgi"
    try FileManager.default.createSymbolicLink(atPath: cgi, withDestinationPath: "/bin/sleep")
    let stray = Process()
    stray.executableURL = URL(fileURLWithPath: cgi)
    stray.arguments = ["300"]
    try stray.run()
    defer {
      kill(stray.processIdentifier, SIGKILL)
      stray.waitUntilExit()
    }
    let pid = stray.processIdentifier
    // Wait (generously) until the child has exec'd, so its argv is the stray's.
    for _ in 0..<500 {
      let cmdline = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
      if cmdline.contains(token) { break }
      usleep(10_000)
    }

    // A pool with the default orphan patterns.
    let config = folder + "/process_config.json"
    try Data(#"{"processes": {"idle": {"command": ["/bin/sleep", "1"]}}}"#.utf8).write(to: URL(fileURLWithPath: config))
    let result = try Self.run(["cleanup", "--dry-run", "--json", "--config", config])
    #expect(result.status == 1, "orphans remain after a dry run")
    let document = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
    #expect(document["dryRun"] as? Bool == true)
    #expect(document["allGone"] as? Bool == false)
    let orphans = try #require(document["orphans"] as? [[String: Any]])
    let mine = try #require(orphans.first { ($0["pid"] as? Int).map(Int32.init) == pid })
    #expect(mine["pattern"] as? String == "*.cgi")
    #expect(mine["outcome"] as? String == "skipped")
    #expect(mine["reason"] as? String == "dry-run")
    #expect(mine["argv"] as? [String] == [cgi, "300"])
    #expect(stray.isRunning)

    let text = try Self.run(["cleanup", "--dry-run", "--config", config])
    #expect(text.status == 1)
    let row = try #require(text.out.split(separator: "\n").first { $0.hasPrefix("\(pid) ") })
    #expect(row.contains("*.cgi") && row.contains("would be ended") && row.hasSuffix("\(cgi) 300"))
    #expect(text.out.contains("Dry run: nothing was signalled"))
    #expect(stray.isRunning)
  }

  @Test func invalidConfigExits65() throws {
    let result = try Self.run(["cleanup", "--dry-run", "--config", "/nonexistent/process_config.json"])
    #expect(result.status == 65)
    #expect(result.err.contains("cannot open the config file"))
  }

  @Test func negativeTimeoutIsAUsageError() throws {
    let result = try Self.run(["cleanup", "--dry-run", "--timeout", "-1"])
    #expect(result.status == 64)
    #expect(result.err.contains("--timeout"))
  }

  /// A private folder with a config whose only orphan pattern is `echo_<token>.cgi`, and a way
  /// to start a stray matching it.
  final class TokenPool {
    let token = String(UInt64.random(in: 1 << 40..<1 << 44), radix: 16)
    let folder: String
    let config: String
    var name: String { "cleanup\(token)" }
    private var strays: [Int32] = []

    init() throws {
      folder = NSTemporaryDirectory() + "cgipool-cleanup-\(token)"
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      try FileManager.default.createSymbolicLink(atPath: folder + "/echo_\(token).cgi", withDestinationPath: "/bin/sleep")
      config = folder + "/process_config.json"
      let json = #"{"name": "NAME", "orphan_patterns": ["echo_TOKEN.cgi"], "processes": {"idle": {"command": ["/bin/sleep", "1"]}}}"#
        .replacingOccurrences(of: "NAME", with: "cleanup\(token)").replacingOccurrences(of: "TOKEN", with: token)
      try Data(json.utf8).write(to: URL(fileURLWithPath: config))
    }

    /// Starts `echo_<token>.cgi 300` with default signal handling (the test runner's ignored or
    /// blocked signals must not leak into it) and waits until it has exec'd.
    func startStray() throws -> Int32 {
      let pid = try CleanSpawn.spawn([folder + "/echo_\(token).cgi", "300"])
      strays.append(pid)
      for _ in 0..<500 {
        let cmdline = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
        if cmdline.contains(token) { break }
        usleep(10_000)
      }
      return pid
    }

    /// Ends the strays (by PID: children not yet waited for cannot have been replaced), waits
    /// for them and removes the folder.
    func cleanup() {
      for pid in strays {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
      }
      try? FileManager.default.removeItem(atPath: folder)
    }
  }

  /// The one orphan entry of a `--json` report.
  static func onlyOrphan(_ output: String) throws -> (document: [String: Any], orphan: [String: Any]) {
    let document = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
    let orphans = try #require(document["orphans"] as? [[String: Any]])
    try #require(orphans.count == 1, "\(output)")
    return (document, orphans[0])
  }

  @Test func signalsOnlyEndsTheStrayBySignals() throws {
    let pool = try TokenPool()
    defer { pool.cleanup() }
    let pid = try pool.startStray()
    let result = try Self.run(["cleanup", "--signals-only", "--json", "--timeout", "5", "--config", pool.config])
    #expect(result.status == 0, "\(result.err)")
    let (document, orphan) = try Self.onlyOrphan(result.out)
    #expect(document["allGone"] as? Bool == true)
    #expect(document["manager"] == nil)
    #expect(document["fallbackReasons"] as? [String] == [])
    #expect((orphan["pid"] as? Int).map(Int32.init) == pid)
    #expect(orphan["outcome"] as? String == "terminated")
    #expect(orphan["method"] as? String == "signals")
    #expect(orphan["scope"] == nil)
    #expect(orphan["fallbackReason"] == nil)
  }

  @Test func unreachableManagerFallsBackToSignalsAndSaysWhy() throws {
    let pool = try TokenPool()
    defer { pool.cleanup() }
    let address = "unix:path=\(pool.folder)/no-manager/private"
    let pid = try pool.startStray()
    let json = try Self.run(["cleanup", "--json", "--bus", address, "--config", pool.config])
    #expect(json.status == 0, "\(json.err)")
    let (document, orphan) = try Self.onlyOrphan(json.out)
    #expect(orphan["outcome"] as? String == "terminated")
    #expect(orphan["method"] as? String == "signals")
    let reason = try #require(orphan["fallbackReason"] as? String)
    #expect(reason.hasPrefix("cannot reach the manager at \(address)"))
    #expect(document["fallbackReasons"] as? [String] == [reason])

    let second = try pool.startStray()
    #expect(second != pid)
    let text = try Self.run(["cleanup", "--bus", address, "--config", pool.config])
    #expect(text.status == 0, "\(text.err)")
    let row = try #require(text.out.split(separator: "\n").first { $0.hasPrefix("\(second) ") })
    #expect(row.contains("terminated (SIGTERM) via signals"))
    #expect(text.out.contains("Ended by signals instead of a scope: cannot reach the manager at \(address)"))
    #expect(text.out.hasSuffix("All 1 orphan is gone.\n"))
  }

  @Test func signalsOnlyTakesNoManagerChoice() throws {
    let result = try Self.run(["cleanup", "--signals-only", "--system", "--dry-run"])
    #expect(result.status == 64)
    #expect(result.err.contains("--signals-only"))
  }

  @Test(.enabled(if: geteuid() == 0 || ProcessInfo.processInfo.environment["CI"] == "true", "needs root"))
  func runningPrivateManagerEndsTheStrayThroughAScope() throws {
    try #require(geteuid() == 0, "the private manager needs root (CI=true makes this a failure, not a skip)")
    let pool = try TokenPool()
    defer { pool.cleanup() }
    let runtime = pool.folder + "/runtime"
    defer { _ = try? Self.run(["manager", "stop", "--runtime-dir", runtime]) }
    let started = try Self.run(["manager", "start", "--runtime-dir", runtime])
    try #require(started.status == 0, "\(started.err)")

    let pid = try pool.startStray()
    let json = try Self.run(["cleanup", "--json", "--runtime-dir", runtime, "--config", pool.config])
    #expect(json.status == 0, "\(json.err)")
    let (document, orphan) = try Self.onlyOrphan(json.out)
    #expect((orphan["pid"] as? Int).map(Int32.init) == pid)
    #expect(orphan["outcome"] as? String == "terminated")
    #expect(orphan["method"] as? String == "scope")
    let scope = try #require(orphan["scope"] as? String)
    #expect(scope.hasPrefix("\(pool.name)-orphans-") && scope.hasSuffix(".scope"))
    #expect(orphan["fallbackReason"] == nil)
    #expect((document["manager"] as? String)?.hasPrefix("private manager at \(runtime) (systemd ") == true)

    let second = try pool.startStray()
    let text = try Self.run(["cleanup", "--runtime-dir", runtime, "--config", pool.config])
    #expect(text.status == 0, "\(text.err)")
    let row = try #require(text.out.split(separator: "\n").first { $0.hasPrefix("\(second) ") })
    #expect(row.contains("terminated (SIGTERM) via scope \(pool.name)-orphans-"))
    #expect(text.out.contains("Scope created in the private manager at \(runtime) (systemd "))
  }
}
