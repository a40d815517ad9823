@testable import CgiPoolRuntime
import Foundation
import Testing

/// `cgipool logs -f` through the log cap's trims: every line appended is shown exactly once,
/// whether the trim cut the file's head (collapse) or emptied it (copy-and-truncate), and
/// whether the follower had caught up before the trim or not.
@Suite struct LogFollowerTests {
  /// Lines numbered from `first`, 100 bytes each (LogTrimmerTests' format).
  static func lines(_ range: ClosedRange<Int>) -> String { range.map(LogTrimmerTests.line).joined() }

  static func append(_ text: String, to path: String) throws {
    let handle = try #require(FileHandle(forWritingAtPath: path))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(text.utf8))
    try handle.close()
  }

  /// Writes 60 rounds of lines into a file capped at 16 KiB, trimming and polling after every
  /// round; the follower's output must be every line once, in order.
  func followThroughTrims(in parent: String) throws -> [LogTrim.Method] {
    let scratch = try LogTrimmerTests.Scratch(in: parent)
    let path = scratch.path + "/web.log"
    try Self.lines(1...50).write(toFile: path, atomically: false, encoding: .utf8)
    var follower = LogFollower(path: path)
    var shown = Data()
    var written = 50
    var methods: [LogTrim.Method] = []
    let trimmer = LogTrimmer(maxBytes: 16_384)
    for round in 1...60 {
      let count = 20 + round % 7 * 10
      try Self.append(Self.lines((written + 1)...(written + count)), to: path)
      written += count
      if let trim = try trimmer.trim(path) { methods.append(trim.method) }
      shown += follower.poll()
    }
    shown += follower.poll()
    Self.expect(shown, equals: Self.lines(51...written))
    return methods
  }

  /// Compares output and expected lines, naming the first line that differs rather than
  /// printing megabytes.
  static func expect(_ shown: Data, equals expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let text = String(decoding: shown, as: UTF8.self)
    if text != expected {
      // Name the first line that differs rather than print megabytes.
      let got = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.prefix(12) }
      let want = expected.split(separator: "\n", omittingEmptySubsequences: false).map { $0.prefix(12) }
      let index = (0..<min(got.count, want.count)).first { got[$0] != want[$0] } ?? min(got.count, want.count)
      Issue.record(
        "line \(index) of \(want.count): shown \(got.count > index ? String(got[index]) : "nothing"), expected \(want.count > index ? String(want[index]) : "nothing")",
        sourceLocation: sourceLocation)
    }
  }

  /// One trim while the follower has not read the newest lines: the cut falls inside the last
  /// bytes it showed (200 lines), or past them (250), and the file is then written on.
  func oneTrimWhileBehind(in parent: String, written: Int) throws -> LogTrim.Method? {
    let scratch = try LogTrimmerTests.Scratch(in: parent)
    let path = scratch.path + "/web.log"
    try Self.lines(1...100).write(toFile: path, atomically: false, encoding: .utf8)
    var follower = LogFollower(path: path)
    try Self.append(Self.lines(101...written), to: path)
    let trim = try LogTrimmer(maxBytes: 16_384).trim(path)
    try Self.append(Self.lines((written + 1)...(written + 5)), to: path)
    Self.expect(follower.poll(), equals: Self.lines(101...(written + 5)))
    try Self.append(Self.lines((written + 6)...(written + 6)), to: path)
    Self.expect(follower.poll(), equals: Self.lines((written + 6)...(written + 6)))
    return trim?.method
  }

  @Test func aCutHeadShowsNothingTwice() throws {
    let methods = try followThroughTrims(in: "/var/tmp")
    #expect(methods.count >= 10, "the cap was passed many times")
    #expect(methods.allSatisfy { $0 == .collapse }, "\(methods)")
  }

  @Test(arguments: [200, 250]) func aCutWhileBehindSkipsNothing(written: Int) throws {
    #expect(try oneTrimWhileBehind(in: "/var/tmp", written: written) == .collapse)
  }

  /// tmpfs cannot collapse a range: the trims there copy and truncate.
  @Test(.enabled(if: LogTrimmerTests.fileSystem(mountedAt: "/dev/shm") == "tmpfs"))
  func anEmptiedFileShowsNothingTwice() throws {
    let methods = try followThroughTrims(in: "/dev/shm")
    #expect(methods.count >= 10, "the cap was passed many times")
    #expect(methods.allSatisfy { $0 == .copyTruncate }, "\(methods)")
  }

  @Test(.enabled(if: LogTrimmerTests.fileSystem(mountedAt: "/dev/shm") == "tmpfs"), arguments: [200, 250])
  func anEmptiedFileWhileBehindSkipsNothing(written: Int) throws {
    #expect(try oneTrimWhileBehind(in: "/dev/shm", written: written) == .copyTruncate)
  }

  @Test func followingStartsAtTheEndAndAnUnchangedFileGivesNothing() throws {
    let scratch = try LogTrimmerTests.Scratch(in: "/var/tmp")
    let path = scratch.path + "/web.log"
    try Self.lines(1...3).write(toFile: path, atomically: false, encoding: .utf8)
    var follower = LogFollower(path: path)
    #expect(follower.poll().isEmpty)
    try Self.append(Self.lines(4...4), to: path)
    #expect(String(decoding: follower.poll(), as: UTF8.self) == Self.lines(4...4))
    #expect(follower.poll().isEmpty)
  }

  @Test func theFirstPlaceTheLastShownBytesEndIsFound() {
    #expect(LogFollower.end(of: Array("cd".utf8), in: Array("abcdcd".utf8)) == 4)
    #expect(LogFollower.end(of: Array("xy".utf8), in: Array("abcd".utf8)) == nil)
    #expect(LogFollower.end(of: [], in: Array("abcd".utf8)) == nil)
    #expect(LogFollower.end(of: Array("abcde".utf8), in: Array("abcd".utf8)) == nil)
  }
}
