/// The result of one reap: each orphan found and what became of it.
public struct ReapReport: Sendable, Equatable {
  /// One orphan and its outcome.
  public struct Entry: Sendable, Equatable {
    /// The orphan as scanned.
    public var orphan: Orphan
    /// What became of it.
    public var outcome: ReapOutcome

    /// Creates an entry.
    public init(orphan: Orphan, outcome: ReapOutcome) {
      self.orphan = orphan
      self.outcome = outcome
    }
  }

  /// The orphans in PID order with their outcomes.
  public var entries: [Entry]

  /// Creates a report.
  public init(entries: [Entry]) {
    self.entries = entries
  }

  /// Whether no orphan is left running (true when none was found; false after a dry run that found some).
  public var allGone: Bool { entries.allSatisfy { $0.outcome.isGone } }
}
