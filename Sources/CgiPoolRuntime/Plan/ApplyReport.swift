/// What `apply` did beyond stopping: the processes it started or restarted, and where a rolling
/// restart of a replicated process's changed instances stopped, if one did.
public struct ApplyReport: Sendable {
  /// Every start apply made, in the order it made them (rolled instances first, then the rest).
  public var start: StartReport
  /// The instance a rolling restart stopped at (it did not come back healthy) and the changed
  /// instances it left on their old definition.
  public var halted: PoolRuntime.RollingHalt?

  /// Creates a report.
  public init(start: StartReport, halted: PoolRuntime.RollingHalt? = nil) {
    self.start = start
    self.halted = halted
  }

  /// Whether every start succeeded and no roll stopped early.
  public var succeeded: Bool { start.succeeded && halted == nil }
}
