import Foundation
import Testing

/// `cgipool cleanup` run as the built binary. Only `--dry-run` is used: a real
/// cleanup with the default patterns could end processes this test did not start.
@Suite struct CleanupCommandTests {
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
}
