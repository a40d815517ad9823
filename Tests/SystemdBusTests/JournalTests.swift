import CgiPoolTestSupport
import Foundation
import SystemdBus
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The sd-journal reader against real journal files written by systemd-journal-remote.
@Suite("Journal reader")
struct JournalTests {
  /// Base time of the fixtures' entries: 2023-11-14T22:13:20Z.
  static let base: UInt64 = 1_700_000_000_000_000

  /// A journal with `count` entries of `web.service` ("web 0", ...) interleaved with `other.service`.
  static func interleaved(_ count: Int) throws -> JournalFixture {
    let fixture = try JournalFixture()
    var entries: [JournalFixture.Entry] = []
    for index in 0..<count {
      let time = base + UInt64(index) * 2_000_000
      entries.append(.unit("web.service", "web \(index)", at: time))
      entries.append(.unit("other.service", "other \(index)", at: time + 1_000_000))
    }
    try fixture.append(entries)
    return fixture
  }

  @Test("tail(n) returns the unit's last n entries, oldest first, with their times")
  func tailOfOneUnit() throws {
    let fixture = try Self.interleaved(10)
    defer { fixture.remove() }
    let journal = try Journal(.directory(fixture.directory))
    try journal.addMatch(field: "_SYSTEMD_UNIT", value: "web.service")
    let entries = try journal.tail(3)
    #expect(entries.map(\.message) == ["web 7", "web 8", "web 9"])
    #expect(entries.map(\.realtimeMicroseconds) == [7, 8, 9].map { Self.base + UInt64($0) * 2_000_000 })
    #expect(Set(entries.map(\.cursor)).count == 3)
  }

  @Test("tail asking for more than exists returns everything; no match returns nothing")
  func tailBounds() throws {
    let fixture = try Self.interleaved(4)
    defer { fixture.remove() }
    let all = try Journal(.files([fixture.file]))
    try all.addMatch(field: "_SYSTEMD_UNIT", value: "web.service")
    #expect(try all.tail(50).map(\.message) == ["web 0", "web 1", "web 2", "web 3"])

    let none = try Journal(.directory(fixture.directory))
    try none.addMatch(field: "_SYSTEMD_UNIT", value: "absent.service")
    #expect(try none.tail(5).isEmpty)
    #expect(try none.next() == nil)

    let zero = try Journal(.directory(fixture.directory))
    try zero.addMatch(field: "_SYSTEMD_UNIT", value: "web.service")
    #expect(try zero.tail(0).isEmpty)
    // Positioned on the newest entry: nothing newer to read.
    #expect(try zero.next() == nil)
  }

  @Test("Matches on one field are alternatives; a disjunction adds another field")
  func matchesAndDisjunction() throws {
    let fixture = try JournalFixture()
    defer { fixture.remove() }
    try fixture.append([
      .unit("a.service", "system a", at: Self.base),
      .unit("b.service", "system b", at: Self.base + 1),
      .unit("c.service", "system c", at: Self.base + 2),
      .unit("a.service", "user a", at: Self.base + 3, field: "_SYSTEMD_USER_UNIT"),
    ])
    let both = try Journal(.directory(fixture.directory))
    try both.addMatch(field: "_SYSTEMD_UNIT", value: "a.service")
    try both.addMatch(field: "_SYSTEMD_UNIT", value: "c.service")
    #expect(try both.tail(10).map(\.message) == ["system a", "system c"])

    let userToo = try Journal(.directory(fixture.directory))
    try userToo.addMatch(field: "_SYSTEMD_UNIT", value: "a.service")
    try userToo.addDisjunction()
    try userToo.addMatch(field: "_SYSTEMD_USER_UNIT", value: "a.service")
    #expect(try userToo.tail(10).map(\.message) == ["system a", "user a"])
  }

  @Test("next() reads from the head when nothing was read, and stops at the end")
  func readForward() throws {
    let fixture = try Self.interleaved(3)
    defer { fixture.remove() }
    let journal = try Journal(.directory(fixture.directory))
    try journal.addMatch(field: "_SYSTEMD_UNIT", value: "other.service")
    var messages: [String] = []
    while let entry = try journal.next() { messages.append(entry.message) }
    #expect(messages == ["other 0", "other 1", "other 2"])
    #expect(try journal.next() == nil)
  }

  @Test("Following: after tail, wait() sees entries appended to the file and next() returns only them")
  func follow() throws {
    let fixture = try Self.interleaved(2)
    defer { fixture.remove() }
    let journal = try Journal(.directory(fixture.directory))
    try journal.addMatch(field: "_SYSTEMD_UNIT", value: "web.service")
    #expect(try journal.tail(1).map(\.message) == ["web 1"])
    #expect(try journal.next() == nil)
    // The first wait only sets up the inotify watches (it may report a change at once).
    _ = try journal.wait(timeoutMicroseconds: 0)
    try fixture.append([
      .unit("other.service", "other late", at: Self.base + 100_000_000),
      .unit("web.service", "web late", at: Self.base + 101_000_000),
    ])
    var seen: [String] = []
    // Generous bound: the append has already finished, so this only absorbs inotify latency.
    for _ in 0..<50 where seen.isEmpty {
      while let entry = try journal.next() { seen.append(entry.message) }
      if seen.isEmpty { _ = try journal.wait(timeoutMicroseconds: 100_000) }
    }
    #expect(seen == ["web late"])
  }

  @Test("Opening a missing folder fails with ENOENT naming the call")
  func missingDirectory() throws {
    let missing = "/nonexistent-\(UUID().uuidString)"
    let error = #expect(throws: JournalError.self) { try Journal(.directory(missing)) }
    #expect(error?.errno == ENOENT)
    #expect(error?.function == "sd_journal_open_directory(\(missing))")
    #expect(error?.description.hasSuffix("No such file or directory") == true)
  }

  @Test("A match that is not FIELD=value is rejected with EINVAL")
  func invalidMatch() throws {
    let fixture = try Self.interleaved(1)
    defer { fixture.remove() }
    let journal = try Journal(.directory(fixture.directory))
    let error = #expect(throws: JournalError.self) { try journal.addMatch(field: "lower case", value: "x") }
    #expect(error?.errno == EINVAL)
    #expect(error?.function == "sd_journal_add_match")
  }

  @Test("The local journal opens even where journald never ran (it is just empty)")
  func localOpens() throws {
    let journal = try Journal(.local(.system))
    try journal.addMatch(field: "_SYSTEMD_UNIT", value: "cgipool-test-\(UUID().uuidString).service")
    #expect(try journal.tail(5).isEmpty)
  }
}
