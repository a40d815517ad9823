/// What a terminator did with one orphan: the outcome, how it was reached, and why a
/// preferred method was not used.
public struct Termination: Sendable, Hashable {
  /// What became of the orphan and its descendants.
  public var outcome: ReapOutcome
  /// How its processes were ended; `nil` when nothing was done (all were already gone) or the
  /// terminator does not say.
  public var method: TerminationMethod?
  /// Why signals were used although the systemd-native path was wanted (the manager refused,
  /// or none was reachable); `nil` when the method was the one chosen.
  public var fallbackReason: String?

  /// Creates a termination record.
  public init(outcome: ReapOutcome, method: TerminationMethod?, fallbackReason: String? = nil) {
    self.outcome = outcome
    self.method = method
    self.fallbackReason = fallbackReason
  }
}
