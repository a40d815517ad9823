/// A read handle on the systemd journal (libsystemd's sd-journal), narrowed by field matches.
///
/// Not thread-safe (sd-journal objects are not): use one handle from one thread.
public final class Journal {
  /// Which local journal files `Source.local` opens.
  public enum Scope: Sendable, Equatable {
    /// Every local journal the caller may read.
    case all
    /// Only the system's journal files (`SD_JOURNAL_SYSTEM`).
    case system
    /// Only the calling user's journal files (`SD_JOURNAL_CURRENT_USER`).
    case currentUser
  }

  /// Where the journal files come from.
  public enum Source: Sendable, Equatable {
    /// This machine's journal (`sd_journal_open` with `SD_JOURNAL_LOCAL_ONLY`).
    case local(Scope)
    /// Every journal file in a folder (`sd_journal_open_directory`).
    case directory(String)
    /// These journal files (`sd_journal_open_files`).
    case files([String])
  }

  /// What `wait(timeoutMicroseconds:)` saw.
  public enum Change: Sendable, Equatable {
    /// Nothing changed before the timeout (`SD_JOURNAL_NOP`).
    case none
    /// Entries were appended (`SD_JOURNAL_APPEND`).
    case appended
    /// Files were added or removed (`SD_JOURNAL_INVALIDATE`).
    case invalidated
  }

  /// The sd_journal handle, closed in deinit.
  private let handle: OpaquePointer
  /// True once the read position is on an entry (after `tail` or `next`).
  private var positioned = false

  /// Opens the journal at `source` (`sd_journal_open`, `sd_journal_open_directory` or `sd_journal_open_files`).
  public init(_ source: Source) throws(JournalError) {
    switch source {
    case .local(let scope): handle = try CJournal.openLocal(scope: scope)
    case .directory(let path): handle = try CJournal.openDirectory(path)
    case .files(let paths): handle = try CJournal.openFiles(paths)
    }
  }

  deinit {
    CJournal.close(handle)
  }

  /// Keeps only entries whose `field` equals `value` (`sd_journal_add_match`); matches on
  /// different fields must all hold, matches on the same field are alternatives.
  public func addMatch(field: String, value: String) throws(JournalError) {
    try CJournal.addMatch(handle, field: field, value: value)
  }

  /// Starts a new group of matches, any of which may hold (`sd_journal_add_disjunction`).
  public func addDisjunction() throws(JournalError) {
    try CJournal.addDisjunction(handle)
  }

  /// The last `count` matching entries, oldest first; leaves the position on the newest, so
  /// `next()` then returns only entries written afterwards (`sd_journal_seek_tail` +
  /// `sd_journal_previous_skip`).
  public func tail(_ count: Int) throws(JournalError) -> [JournalEntry] {
    try CJournal.seekTail(handle)
    // Stepping back one more than asked is not needed: after seek_tail, the first step back
    // lands on the newest entry, so `count` steps land on the count-th newest.
    let moved = try CJournal.previousSkip(handle, UInt64(max(count, 1)))
    guard moved > 0 else {
      // Empty journal (or no match): a later `next()` must start from the (future) head.
      positioned = false
      return []
    }
    positioned = true
    guard count > 0 else { return [] }
    var entries = [try current()]
    while entries.count < moved, try CJournal.next(handle) {
      entries.append(try current())
    }
    return entries
  }

  /// The next matching entry after the current position, or nil at the end
  /// (`sd_journal_next`); from the first entry when nothing was read yet.
  public func next() throws(JournalError) -> JournalEntry? {
    if !positioned {
      try CJournal.seekHead(handle)
    }
    guard try CJournal.next(handle) else { return nil }
    positioned = true
    return try current()
  }

  /// Blocks until the journal changes or `timeoutMicroseconds` pass (`sd_journal_wait`);
  /// nil waits without limit.
  public func wait(timeoutMicroseconds: UInt64?) throws(JournalError) -> Change {
    switch try CJournal.wait(handle, timeoutMicroseconds: timeoutMicroseconds) {
    case 1: .appended
    case 2: .invalidated
    default: .none
    }
  }

  /// The entry at the current position.
  private func current() throws(JournalError) -> JournalEntry {
    let message = try CJournal.data(handle, field: "MESSAGE") ?? []
    return JournalEntry(
      realtimeMicroseconds: try CJournal.realtime(handle),
      message: String(decoding: message, as: UTF8.self),
      cursor: try CJournal.cursor(handle))
  }
}
