/// The result of one reap: each orphan found and what became of it.
public struct ReapReport: Sendable, Equatable {
  /// One orphan and its outcome.
  public struct Entry: Sendable, Equatable {
    /// The orphan as scanned.
    public var orphan: Orphan
    /// What became of it.
    public var outcome: ReapOutcome
    /// How its processes were ended; `nil` when it was skipped, already gone, or the
    /// terminator did not say.
    public var method: TerminationMethod?
    /// Why signals were used although a scope was wanted, when that happened.
    public var fallbackReason: String?

    /// Creates an entry.
    public init(orphan: Orphan, outcome: ReapOutcome, method: TerminationMethod? = nil, fallbackReason: String? = nil) {
      self.orphan = orphan
      self.outcome = outcome
      self.method = method
      self.fallbackReason = fallbackReason
    }
  }

  /// The orphans in PID order with their outcomes.
  public var entries: [Entry]

  /// Creates a report.
  public init(entries: [Entry]) {
    self.entries = entries
  }

  /// The distinct fallback reasons recorded, in order of first appearance.
  public var fallbackReasons: [String] {
    var seen: Set<String> = []
    return entries.compactMap(\.fallbackReason).filter { seen.insert($0).inserted }
  }

  /// Whether no orphan is left running (true when none was found; false after a dry run that found some).
  public var allGone: Bool { entries.allSatisfy { $0.outcome.isGone } }
}
