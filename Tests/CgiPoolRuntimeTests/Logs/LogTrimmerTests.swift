import CgiPoolRuntime
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `LogTrimmer` on real files: a file past the cap keeps its newest part, the older part moves to
/// `<file>.1`, and a writer appending meanwhile loses nothing (on a file system that collapses
/// ranges); elsewhere it falls back to copy-and-truncate, and it never works through a link.
@Suite struct LogTrimmerTests {
  final class Scratch {
    let path: String
    init(in parent: String) throws {
      path = parent + "/cgipool-i18-trim-" + UUID().uuidString
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
  }

  static func size(_ path: String) -> Int64? {
    var info = stat()
    return lstat(path, &info) == 0 ? Int64(info.st_size) : nil
  }

  /// The type of the file system mounted at `path` (`/proc/self/mounts`), if one is.
  static func fileSystem(mountedAt path: String) -> String? {
    let mounts = (try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8)) ?? ""
    var found: String?
    for line in mounts.split(separator: "\n") {
      let fields = line.split(separator: " ").map(String.init)
      if fields.count > 2 && fields[1] == path { found = fields[2] }
    }
    return found
  }

  /// `line 000042 xxxx...`: 100 bytes with the newline.
  static func line(_ number: Int) -> String {
    let head = "line " + String(format: "%06d", number) + " "
    return head + String(repeating: "x", count: 99 - head.utf8.count) + "\n"
  }

  /// The numbers of the whole lines of `text`, the first (a cut may split it) left out.
  static func numbers(_ text: String) -> [Int] {
    text.split(separator: "\n").dropFirst().map { line in
      line.hasPrefix("line ") && line.utf8.count == 99 ? Int(line.dropFirst(5).prefix(6)) ?? -1 : -1
    }
  }

  @Test func aSmallFileOrNoFileIsLeftAlone() throws {
    let scratch = try Scratch(in: "/var/tmp")
    let path = scratch.path + "/web.log"
    #expect(try LogTrimmer(maxBytes: 65536).trim(path) == nil)
    try String(repeating: Self.line(1), count: 100).write(toFile: path, atomically: false, encoding: .utf8)
    #expect(try LogTrimmer(maxBytes: 65536).trim(path) == nil)
    #expect(Self.size(path) == 10_000)
    #expect(!FileManager.default.fileExists(atPath: path + ".1"))
  }

  /// A writer appends numbered lines through its own `O_APPEND` descriptor (as systemd hands it to
  /// a service) while the file is trimmed again and again: each trim leaves it within the cap,
  /// and `<file>.1` followed by the file is an unbroken run of lines ending with the last one.
  @Test func aWriterAppendingDuringTrimsLosesNothing() throws {
    let scratch = try Scratch(in: "/var/tmp")
    let path = scratch.path + "/web.log"
    let cap: Int64 = 65536
    let total = 20_000
    let writer = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
    try #require(writer >= 0)
    let finished = ManagedAtomicFlag()
    let thread = Thread {
      for number in 1...total {
        let bytes = Array(Self.line(number).utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(writer, $0.baseAddress, $0.count) }
        if number % 20 == 0 { usleep(1_000) }
      }
      finished.set()
    }
    thread.start()
    let trimmer = LogTrimmer(maxBytes: cap)
    var trims: [LogTrim] = []
    while !finished.isSet {
      if let trim = try trimmer.trim(path) { trims.append(trim) }
      usleep(2_000)
    }
    if let trim = try trimmer.trim(path) { trims.append(trim) }
    close(writer)
    #expect(trims.count >= 5, "the writer's 2 MB passed the 64 KiB cap many times")
    #expect(trims.allSatisfy { $0.method == .collapse }, "\(trims.map(\.summary))")
    #expect(Self.size(path)! <= cap)
    let kept = try String(contentsOfFile: path + ".1", encoding: .utf8) + String(contentsOfFile: path, encoding: .utf8)
    let numbers = Self.numbers(kept)
    #expect(numbers.last == total, "the newest line is kept")
    let first = try #require(numbers.first)
    #expect(numbers == Array(first...total), "no line lost, split or doubled between \(first) and \(total)")
    #expect(Int64(numbers.count) * 100 >= cap / 2, "at least half the cap of the newest lines")
    var info = stat()
    #expect(lstat(path + ".1", &info) == 0 && info.st_mode & 0o7777 == 0o640)
    #expect(!FileManager.default.fileExists(atPath: path + ".1.tmp"))
  }

  /// tmpfs cannot collapse a range: everything moves to `<file>.1` and the file is emptied.
  @Test(.enabled(if: fileSystem(mountedAt: "/dev/shm") == "tmpfs")) func withoutCollapseItCopiesAndTruncates() throws {
    let scratch = try Scratch(in: "/dev/shm")
    let path = scratch.path + "/web.log"
    let text = (1...1000).map(Self.line).joined()
    try text.write(toFile: path, atomically: false, encoding: .utf8)
    let trim = try #require(try LogTrimmer(maxBytes: 65536).trim(path))
    #expect(trim.method == .copyTruncate)
    #expect(trim.dropped == 0 && trim.moved == 100_000 && trim.kept == 0)
    #expect(Self.size(path) == 0)
    #expect(try String(contentsOfFile: path + ".1", encoding: .utf8) == text)
  }

  /// A burst far past the cap: `<file>.1` keeps only the newest cap's worth of what was cut,
  /// from a line start, and with the file it is still an unbroken run to the last line.
  @Test func aBurstKeepsAtMostTheCapInThePreviousFile() throws {
    let scratch = try Scratch(in: "/var/tmp")
    let path = scratch.path + "/web.log"
    try (1...5000).map(Self.line).joined().write(toFile: path, atomically: false, encoding: .utf8)
    let trim = try #require(try LogTrimmer(maxBytes: 65536).trim(path))
    #expect(trim.method == .collapse)
    #expect(trim.moved <= 65536 && trim.moved > 65536 - 100, "\(trim.summary)")
    #expect(trim.dropped + trim.moved + trim.kept == 500_000, "\(trim.summary)")
    let previous = try String(contentsOfFile: path + ".1", encoding: .utf8)
    #expect(previous.hasPrefix("line "), "it starts with a whole line")
    let current = try String(contentsOfFile: path, encoding: .utf8)
    let numbers = Self.numbers("\n" + previous + current)
    #expect(numbers.last == 5000)
    let first = try #require(numbers.first)
    #expect(numbers == Array(first...5000))
    #expect(first > 4000, "the oldest lines are gone")
  }

  @Test func aLinkIsRefusedAndItsTargetUntouched() throws {
    let scratch = try Scratch(in: "/var/tmp")
    let victim = scratch.path + "/victim"
    let text = String(repeating: Self.line(7), count: 1000)
    try text.write(toFile: victim, atomically: false, encoding: .utf8)
    try FileManager.default.createSymbolicLink(atPath: scratch.path + "/web.log", withDestinationPath: victim)
    #expect(throws: LogTrimError.self) { try LogTrimmer(maxBytes: 65536).trim(scratch.path + "/web.log") }
    #expect(try String(contentsOfFile: victim, encoding: .utf8) == text)
    #expect(!FileManager.default.fileExists(atPath: scratch.path + "/web.log.1"))
  }
}

/// A flag one thread sets and another reads.
final class ManagedAtomicFlag: @unchecked Sendable {
  private let lock = NSLock()
  private var value = false
  func set() { lock.withLock { value = true } }
  var isSet: Bool { lock.withLock { value } }
}
