import CgiPoolRuntime
import CgiPoolTestSupport
import Foundation
import Testing
import UnitCompiler

#if canImport(Glibc)
  import Glibc
#endif

/// `log_max_bytes` on a real private manager: the pool's `<pool>.logcap.service` keeps a chatty
/// process's log file near the cap while systemd appends to it, keeps the newest lines, and
/// loses none of what it keeps (`<file>.1` then the file is one unbroken run of lines).
@Suite(.enabled(if: PrivateManagerFixture.enabled)) struct LogCapTests {
  static let cap: Int64 = 65536
  static let lines = 2_000

  /// Writes `lines` numbered 100-byte lines to stdout, about 25 KB a second, then sleeps.
  static let chatty = """
    import sys, time
    for i in range(1, \(lines) + 1):
        head = "line %06d " % i
        sys.stdout.write(head + "x" * (99 - len(head)) + "\\n")
        sys.stdout.flush()
        if i % 10 == 0:
            time.sleep(0.04)
    time.sleep(3600)
    """

  static func size(_ path: String) -> Int64? {
    var info = stat()
    return lstat(path, &info) == 0 ? Int64(info.st_size) : nil
  }

  /// How the units reach the manager: over D-Bus (transient), or as unit files it loads.
  enum Backend: String, CaseIterable, Sendable {
    case transient
    case unitFiles = "unit files"
  }

  @Test(arguments: Backend.allCases)
  func aChattyProcessesLogStaysNearTheCapAndKeepsItsNewestLinesWhole(backend: Backend) throws {
    // /var/tmp: on disk (ext4 or xfs on Debian), where ranges can be collapsed; /tmp may be tmpfs.
    let folder = "/var/tmp/cgipool-i18-logcap-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder + "/logs", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let json = """
      {"name": "i18logcap", "log_max_bytes": \(Self.cap), "processes": {
        "chatty": {"command": ["python3", "-c", \(RuntimeHarness.quote(Self.chatty))]}
      }}
      """
    try RuntimeHarness.withPool(json, folder: folder) { context in
      let names = UnitNames(pool: "i18logcap")
      let logs = folder + "/logs"
      #expect(context.compiled.logNames == ["chatty", "i18logcap.logcap"])
      let unit = try #require(context.compiled.unit(named: names.logCap))
      #expect(unit.values(of: "ProtectSystem") == [.string("strict")], "the helper is hardened")
      try LogFolder.prepare(logs, processes: context.compiled.logNames)
      if backend == .unitFiles {
        // Installed as unit files in the manager's runtime unit folder: start uses those.
        let units = try #require(context.endpoint.runtimeDirectory) + "/systemd/user"
        try FileManager.default.createDirectory(atPath: units, withIntermediateDirectories: true)
        let renderer = try UnitFileRenderer(templatesDirectory: RuntimeHarness.templates)
        for file in try renderer.renderAll(context.compiled, configFile: "logcap.json") {
          try file.text.write(toFile: units + "/" + file.name, atomically: true, encoding: .utf8)
        }
        try context.manager.reload()
        context.runtime.installedTarget = units + "/" + names.target
      }
      let report = try context.runtime.start()
      #expect(report.succeeded, "\(report)")
      let log = logs + "/chatty.log"
      var largest: Int64 = 0
      // Until the last line is written (about 8 s at the script's pace), watch the file's size.
      let done = RuntimeHarness.eventually(timeout: 60) {
        largest = max(largest, Self.size(log) ?? 0)
        let tail = LogFile(path: log).tail(1).first ?? ""
        return tail.hasPrefix(String(format: "line %06d ", Self.lines))
      }
      #expect(done, "the process wrote its last line")
      // One more look by the helper after the last line (it looks every second).
      usleep(2_500_000)
      largest = max(largest, Self.size(log) ?? 0)
      let helper = (try? String(contentsOfFile: logs + "/i18logcap.logcap.log", encoding: .utf8)) ?? ""
      let trims = helper.split(separator: "\n").filter { $0.contains("chatty.log: moved") }
      // 200 KB written: past a 64 KiB cap three times at least.
      #expect(trims.count >= 3, "\(helper)")
      #expect(trims.allSatisfy { $0.hasSuffix("(collapse)") }, "\(helper)")
      // Between two looks the file grows by what the process writes in a second (25 KB here).
      #expect(largest <= 2 * Self.cap, "the log reached \(largest) bytes")
      #expect((Self.size(log) ?? .max) <= Self.cap)
      #expect((Self.size(log + ".1") ?? .max) <= Self.cap)
      let kept = try String(contentsOfFile: log + ".1", encoding: .utf8) + String(contentsOfFile: log, encoding: .utf8)
      // The first line may be the tail of one cut by the trim before.
      let numbers = kept.split(separator: "\n").dropFirst().map { line in
        line.hasPrefix("line ") && line.utf8.count == 99 ? Int(line.dropFirst(5).prefix(6)) ?? -1 : -1
      }
      #expect(numbers.last == Self.lines, "the newest line is kept")
      let first = try #require(numbers.first)
      #expect(numbers == Array(first...Self.lines), "no line lost, split or doubled from \(first) on")
      #expect(Int64(numbers.count) * 100 >= Self.cap / 2)
      // The helper's own log and the previous generation are private like the others.
      var info = stat()
      #expect(lstat(log + ".1", &info) == 0 && info.st_mode & 0o7777 == LogFolder.fileMode)
      let state = try #require(try context.runtime.manager.unitState(names.logCap))
      #expect(state.activeState == .active)
      if backend == .unitFiles {
        let path = try context.runtime.manager.unitFilePath(names.logCap)
        #expect(path?.hasSuffix("/systemd/user/" + names.logCap) == true, "from its file: \(String(describing: path))")
      }
    }
  }
}
