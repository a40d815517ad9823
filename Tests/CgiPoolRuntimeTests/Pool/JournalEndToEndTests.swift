import CgiPoolTestSupport
import Foundation
import ProcessConfig
import SystemdBus
import Testing
import UnitCompiler

@testable import CgiPoolRuntime

#if canImport(Glibc)
  import Glibc
#endif

/// The whole journal path with a real journald: a journald started inside a private manager's
/// mount namespace (its /run/log bound to a scratch folder), a pool compiled for the journal
/// (`StandardOutput=journal`: the private manager's own default is `inherit`), and the sd-journal
/// reader finding each unit's lines there by `_SYSTEMD_UNIT`/`_SYSTEMD_USER_UNIT`.
@Suite(.enabled(if: PrivateManagerFixture.enabled), .serialized)
struct JournalEndToEndTests {
  @Test("Units compiled for the journal write to journald; the reader finds each process's lines")
  func outputReachesTheJournal() throws {
    let folder = NSTemporaryDirectory() + "cgipool-journald-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder + "/log", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let json = """
      {"name": "jrn", "processes": {
        "web": {"command": ["/bin/sh", "-c", "echo web says hello; echo web on stderr >&2; exec sleep 300"]},
        "db": {"command": ["/bin/sh", "-c", "echo db says hi; exec sleep 300"]}
      }}
      """
    let pool = try ConfigLoader.parse(Array(json.utf8), file: "test.json", baseDirectory: folder)
    try PrivateManagerFixture.withPrivateManager { endpoint, manager in
      let managerPID = try #require(endpoint.pid)
      // journald in the manager's mount namespace: there /run/systemd is the manager's own
      // tmpfs, so its sockets are seen only by the manager's units, and /run/log is the scratch
      // folder, so its files are readable from here.
      let journald = try CleanSpawn.spawn(
        [
          "/usr/bin/nsenter", "--mount", "--target", String(managerPID), "/bin/sh", "-c",
          "mount --bind \"$0\" /run/log && exec /lib/systemd/systemd-journald", folder + "/log",
        ], stdout: folder + "/journald.out", stderr: folder + "/journald.out")
      defer {
        // Stop only the journald this test started, by its PID.
        kill(journald, SIGTERM)
        var status: Int32 = 0
        waitpid(journald, &status, 0)
      }
      for _ in 0..<100 where !FileManager.default.fileExists(atPath: folder + "/log/journal") { usleep(50_000) }
      try #require(FileManager.default.fileExists(atPath: folder + "/log/journal"), "journald did not start: \(Self.read(folder + "/journald.out"))")

      let options = CompileOptions(
        probeExecutable: "/bin/true", searchPath: "/usr/bin:/bin", journalOutput: true, managerVersion: try manager.majorVersion,
        busAddress: endpoint.address)
      let compiled = try UnitCompiler(options: options).compile(pool)
      // journald derives _SYSTEMD_UNIT from the cgroup path only when that path is systemd's own
      // (/<slice>/<unit>, as under the system manager); the private manager nests its tree under
      // its own cgroup (/cgipool-.../jrn.slice/jrn-web.service), so here each unit is found by
      // its _SYSTEMD_CGROUP, through the same matching.
      let root = try #require(Self.cgroupRoot(of: managerPID))
      let journal = JournalLocation(source: .directory(folder + "/log/journal"), unitFields: ["_SYSTEMD_CGROUP"])
      let runtime = PoolRuntime(
        pool: pool, compiled: compiled, manager: BusSystemdManager(manager: manager, description: "test"),
        logDirectory: nil, journal: journal)
      defer { _ = try? runtime.stop() }
      #expect(try runtime.start().succeeded)

      var web: [String] = []
      // Generous bound: the lines are written at start; this absorbs journald's flush.
      for _ in 0..<100 where web.count < 2 {
        web = try journal.open(units: ["\(root)/jrn.slice/jrn-web.service"]).tail(10).map(\.message)
        if web.count < 2 { usleep(50_000) }
      }
      #expect(web.contains("web says hello"), "\(web)\n\(Self.dump(folder + "/log/journal"))")
      #expect(web.contains("web on stderr"), "\(web)")
      #expect(!web.contains("db says hi"), "\(web)")
      let db = try journal.open(units: ["\(root)/jrn.slice/jrn-db.service"]).tail(10).map(\.message)
      #expect(db.contains("db says hi"), "\(db)")
      #expect(try runtime.status().processes.allSatisfy { $0.logsInJournal == true && $0.logFile == nil })
    }
  }

  /// What journald stored (unit fields and messages), for failure messages.
  static func dump(_ directory: String) -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/journalctl")
    process.arguments = ["-D", directory, "--no-pager", "-o", "json", "--output-fields=MESSAGE,_SYSTEMD_UNIT,_SYSTEMD_USER_UNIT,_SYSTEMD_CGROUP"]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    guard (try? process.run()) != nil else { return "(journalctl did not run)" }
    let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return String(text.suffix(6000))
  }

  /// The first component of `pid`'s cgroup v2 path (the private manager's own tree), e.g. `/cgipool-x`.
  static func cgroupRoot(of pid: Int32) -> String? {
    let text = read("/proc/\(pid)/cgroup")
    // cgroup v2 ("0::/path"), else the named systemd v1 hierarchy ("1:name=systemd:/path").
    let line = text.split(separator: "\n").first { $0.hasPrefix("0::") }
      ?? text.split(separator: "\n").first { $0.contains(":name=systemd:") }
    guard let path = line?.split(separator: ":", maxSplits: 2).last, let first = path.split(separator: "/").first else { return nil }
    return "/" + first
  }

  static func read(_ path: String) -> String {
    (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
  }
}
