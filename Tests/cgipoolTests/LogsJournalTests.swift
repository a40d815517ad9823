import CgiPoolTestSupport
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `cgipool logs` reading a real journal (written by systemd-journal-remote) through `--journal-dir`.
@Suite struct LogsJournalTests {
  static let base: UInt64 = 1_700_000_000_000_000

  /// A config for pool `jr` with processes `web` and `db`, in a fresh folder.
  static func config() throws -> String {
    let folder = NSTemporaryDirectory() + "cgipool-logs-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let json = #"{"name": "jr", "processes": {"web": {"command": ["sleep", "1"]}, "db": {"command": ["sleep", "2"]}}}"#
    try json.write(toFile: folder + "/process_config.json", atomically: true, encoding: .utf8)
    return folder
  }

  @Test func lastLinesOfOneProcessWithTheirTimes() throws {
    let folder = try Self.config()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let journal = try JournalFixture()
    defer { journal.remove() }
    try journal.append((0..<6).map { index in
      .unit(index % 2 == 0 ? "jr-web.service" : "jr-db.service", "line \(index)", at: Self.base + UInt64(index) * 1_000_000)
    } + [
      // The pool's health unit writes for every process; only web's line is web's.
      .unit("jr.health.service", "web: healthy: command exited 0", at: Self.base + 9_000_000),
      .unit("jr.health.service", "db: unhealthy: command exited 1", at: Self.base + 9_500_000),
    ])
    // No log file exists (CGIPOOL_LOG_DIR points at an empty folder): the journal is read.
    let environment = ["TZ": "UTC", "CGIPOOL_LOG_DIR": folder + "/logs"]
    let run = try CgiPoolBinary.run(
      ["logs", "web", "-n", "3", "--journal-dir", journal.directory, "--config", folder + "/process_config.json"],
      environment: environment)
    #expect(run.status == 0, "\(run)")
    #expect(run.stdout == """
      2023-11-14 22:13:22 line 2
      2023-11-14 22:13:24 line 4
      2023-11-14 22:13:29 healthy: command exited 0

      """, "\(run)")
    // db gets its own health line, and none of web's.
    let db = try CgiPoolBinary.run(
      ["logs", "db", "--journal-dir", journal.directory, "--config", folder + "/process_config.json"],
      environment: environment)
    #expect(db.stdout.split(separator: "\n").map { String($0.dropFirst(20)) } == ["line 1", "line 3", "line 5", "unhealthy: command exited 1"], "\(db)")
  }

  @Test func aMissingJournalFolderIsAnError() throws {
    let folder = try Self.config()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let run = try CgiPoolBinary.run(
      ["logs", "web", "--journal-dir", folder + "/none", "--config", folder + "/process_config.json"])
    #expect(run.status == 1)
    #expect(run.stderr.contains("error: reading the journal: sd_journal_open_directory(\(folder)/none): No such file or directory"), "\(run)")
  }

  @Test func followPrintsEntriesAppendedLater() throws {
    let folder = try Self.config()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let journal = try JournalFixture()
    defer { journal.remove() }
    try journal.append([.unit("jr-web.service", "before", at: Self.base)])
    let output = folder + "/follow.out"
    let pid = try CleanSpawn.spawn(
      [CgiPoolBinary.executable.path, "logs", "web", "-f", "-n", "5", "--journal-dir", journal.directory,
       "--config", folder + "/process_config.json"],
      stdout: output, stderr: folder + "/follow.err",
      environment: ["TZ": "UTC", "PATH": "/usr/bin:/bin", "CGIPOOL_LOG_DIR": folder + "/logs"])
    defer {
      // Stop only the follower this test started, by its PID.
      kill(pid, SIGTERM)
      var status: Int32 = 0
      waitpid(pid, &status, 0)
    }
    func printed() -> String { (try? String(contentsOfFile: output, encoding: .utf8)) ?? "" }
    // Generous bounds for the waits: they only absorb process start and inotify latency.
    for _ in 0..<100 where !printed().contains("before") { usleep(50_000) }
    #expect(printed() == "2023-11-14 22:13:20 before\n")
    try journal.append([
      .unit("jr-db.service", "not mine", at: Self.base + 1_000_000),
      .unit("jr-web.service", "after", at: Self.base + 2_000_000),
    ])
    for _ in 0..<200 where !printed().contains("after") { usleep(50_000) }
    #expect(printed() == "2023-11-14 22:13:20 before\n2023-11-14 22:13:22 after\n")
  }
}
