/// A way to end orphans with systemd's stop semantics: SIGTERM, a timeout, then SIGKILL.
///
/// `SignalTerminator` signals the processes directly; `ScopeTerminator` moves
/// them into a transient scope unit
/// (`org.freedesktop.systemd1.Manager.StartTransientUnit` with the `PIDs`
/// property) and has the manager stop it (`StopUnit`).
public protocol OrphanTerminating: Sendable {
  /// Ends each orphan with its descendants; returns one outcome per orphan, in order.
  ///
  /// The orphans given are to be signalled (skipped ones are filtered out by
  /// the caller). An implementation must not signal a PID whose start time
  /// differs from the one recorded, and reports `.vanished` when all of an
  /// orphan's processes were gone before it acted.
  func terminate(_ orphans: [Orphan], timeout: Duration) throws(ReaperError) -> [ReapOutcome]

  /// Like `terminate(_:timeout:)`, also saying how each orphan was ended and why a fallback
  /// was taken; one record per orphan, in order. `OrphanReaper` calls this one.
  func terminations(_ orphans: [Orphan], timeout: Duration) throws(ReaperError) -> [Termination]
}

extension OrphanTerminating {
  /// The outcomes of `terminate(_:timeout:)`, with no method recorded.
  public func terminations(_ orphans: [Orphan], timeout: Duration) throws(ReaperError) -> [Termination] {
    try terminate(orphans, timeout: timeout).map { Termination(outcome: $0, method: nil) }
  }
}
