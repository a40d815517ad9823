import CgiPoolTestSupport
import Foundation
import ProcessConfig
import SystemdBus
import Testing
import UnitCompiler

@testable import CgiPoolRuntime

/// Choosing the journal, and reading a pool's units from a real journal file.
@Suite("JournalLocation")
struct JournalLocationTests {
  static let base: UInt64 = 1_700_000_000_000_000

  @Test("Only the system manager with a journald socket and no CGIPOOL_LOG_DIR uses the journal")
  func detection() throws {
    let folder = NSTemporaryDirectory() + "cgipool-journald-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let socket = folder + "/socket"
    #expect(JournalLocation.detect(kind: .system, environment: [:], socketPath: socket) == nil)
    _ = FileManager.default.createFile(atPath: socket, contents: nil)
    let found = JournalLocation.detect(kind: .system, environment: [:], socketPath: socket)
    #expect(found == JournalLocation(source: .local(.all), unitFields: ["_SYSTEMD_UNIT"]))
    for kind in [ManagerEndpoint.Kind.user, .privateManager, .address] {
      #expect(JournalLocation.detect(kind: kind, environment: [:], socketPath: socket) == nil, "\(kind)")
    }
    #expect(JournalLocation.detect(kind: .system, environment: ["CGIPOOL_LOG_DIR": "/tmp/x"], socketPath: socket) == nil)
    #expect(JournalLocation.detect(kind: .system, environment: ["CGIPOOL_LOG_DIR": ""], socketPath: socket) != nil)
  }

  @Test("A line is the entry's time (in the given zone) and its message")
  func lineFormat() {
    let entry = JournalEntry(realtimeMicroseconds: Self.base + 999_999, message: "hello  world", cursor: "c")
    #expect(JournalLocation.line(entry, timeZone: TimeZone(identifier: "UTC")!) == "2023-11-14 22:13:20 hello  world")
    #expect(JournalLocation.line(entry, timeZone: TimeZone(secondsFromGMT: 3600)!) == "2023-11-14 23:13:20 hello  world")
  }

  @Test("tail(units:) interleaves a process's service and probe entries, system or user, and nothing else")
  func tailOfUnits() throws {
    let fixture = try JournalFixture()
    defer { fixture.remove() }
    try fixture.append([
      .unit("demo-web.service", "started", at: Self.base),
      .unit("demo-db.service", "db line", at: Self.base + 1_000_000),
      .unit("demo.health.service", "healthy: http 200", at: Self.base + 2_000_000),
      .unit("demo-web.service", "as a user unit", at: Self.base + 3_000_000, field: "_SYSTEMD_USER_UNIT"),
      .unit("demo-web.service", "served /", at: Self.base + 4_000_000),
    ])
    let location = JournalLocation(source: .directory(fixture.directory), unitFields: JournalLocation.local.unitFields)
    let utc = TimeZone(identifier: "UTC")!
    #expect(
      try location.tail(units: ["demo-web.service", "demo.health.service"], count: 10, timeZone: utc) == [
        "2023-11-14 22:13:20 started", "2023-11-14 22:13:22 healthy: http 200",
        "2023-11-14 22:13:23 as a user unit", "2023-11-14 22:13:24 served /",
      ])
    let systemOnly = JournalLocation(source: .files([fixture.file]), unitFields: ["_SYSTEMD_UNIT"])
    #expect(try systemOnly.tail(units: ["demo-web.service"], count: 2, timeZone: utc) == [
      "2023-11-14 22:13:20 started", "2023-11-14 22:13:24 served /",
    ])
  }

  @Test("With a journal, status names no log file and health lines come from the journal")
  func runtimeWithJournal() throws {
    let fixture = try JournalFixture()
    defer { fixture.remove() }
    try fixture.append([
      .unit("demo-web.service", "healthy: ready", at: Self.base),
      .unit("demo.health.service", "web: unhealthy: http 503", at: Self.base + 1_000_000),
      .unit("demo.health.service", "other: healthy: ready", at: Self.base + 1_500_000),
      .unit("demo-web.service", "GET / 503", at: Self.base + 2_000_000),
    ])
    let json = #"{"name": "demo", "processes": {"web": {"command": ["/bin/sleep", "60"]}}}"#
    let pool = try ConfigLoader.parse(Array(json.utf8), file: "test.json", baseDirectory: "/tmp")
    let options = CompileOptions(probeExecutable: "/bin/true", searchPath: "/usr/bin:/bin")
    let compiled = try UnitCompiler(options: options).compile(pool)
    let journal = JournalLocation(source: .directory(fixture.directory), unitFields: ["_SYSTEMD_UNIT"])
    try PrivateManagerFixture.withPrivateManager { _, manager in
      let runtime = PoolRuntime(
        pool: pool, compiled: compiled, manager: BusSystemdManager(manager: manager, description: "test"),
        logDirectory: nil, journal: journal)
      #expect(runtime.lastProbeLine("web") == "unhealthy: http 503")
      let status = try runtime.status()
      #expect(status.processes.map(\.logFile) == [nil])
      #expect(status.processes.map(\.logsInJournal) == [true])
    }
    // The same runtime over files names the file and leaves the flag out.
    try PrivateManagerFixture.withPrivateManager { _, manager in
      let runtime = PoolRuntime(
        pool: pool, compiled: compiled, manager: BusSystemdManager(manager: manager, description: "test"),
        logDirectory: "/tmp/logs")
      let status = try runtime.status()
      #expect(status.processes.map(\.logFile) == ["/tmp/logs/web.log"])
      #expect(status.processes.map(\.logsInJournal) == [nil])
    }
  }
}
