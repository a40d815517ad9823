/// A way to end orphans with systemd's stop semantics: SIGTERM, a timeout, then SIGKILL.
///
/// `SignalTerminator` signals the processes directly. A systemd-native back end
/// (move each orphan's processes into a transient scope with
/// `org.freedesktop.systemd1.Manager.StartTransientUnit` and its `PIDs`
/// property, then `StopUnit` it) can conform later without changing callers.
public protocol OrphanTerminating: Sendable {
  /// Ends each orphan with its descendants; returns one outcome per orphan, in order.
  ///
  /// The orphans given are to be signalled (skipped ones are filtered out by
  /// the caller). An implementation must not signal a PID whose start time
  /// differs from the one recorded, and reports `.vanished` when all of an
  /// orphan's processes were gone before it acted.
  func terminate(_ orphans: [Orphan], timeout: Duration) throws(ReaperError) -> [ReapOutcome]
}
