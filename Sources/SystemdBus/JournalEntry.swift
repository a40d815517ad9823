/// One journal entry as cgipool shows it: when it was written and its message.
public struct JournalEntry: Sendable, Equatable {
  /// `__REALTIME_TIMESTAMP`: microseconds since the epoch (`sd_journal_get_realtime_usec`).
  public var realtimeMicroseconds: UInt64
  /// The `MESSAGE` field, decoded as UTF-8 (invalid bytes replaced); empty when absent.
  public var message: String
  /// The entry's cursor (`sd_journal_get_cursor`), stable across opens of the same journal.
  public var cursor: String

  /// Creates an entry.
  public init(realtimeMicroseconds: UInt64, message: String, cursor: String) {
    self.realtimeMicroseconds = realtimeMicroseconds
    self.message = message
    self.cursor = cursor
  }
}
