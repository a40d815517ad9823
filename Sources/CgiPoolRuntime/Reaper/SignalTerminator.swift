/// Ends orphans the way systemd stops a unit, by signals: SIGTERM (followed by
/// SIGCONT, so stopped processes can act on it) to every process of every
/// orphan at once, a wait of up to the timeout, then SIGKILL to whatever is
/// left and a short wait for it to go.
///
/// Each process is held by a pidfd (`pidfd_open(2)`) whose start time is
/// checked against the scan, so a PID reused since then is never signalled;
/// signals go through `pidfd_send_signal(2)` and exits are awaited with
/// `poll(2)`. Where pidfds are unavailable it falls back to `kill(2)` after the
/// same start-time check, and polls `/proc/PID/stat` (gone, reused, or state
/// `Z` all count as exited). See `ProcessWatch`.
public struct SignalTerminator: OrphanTerminating {
  /// How long to wait for processes to vanish after SIGKILL before calling them survivors.
  public var killWait: Duration
  /// How often `/proc` is polled for processes without a pidfd.
  public var pollInterval: Duration
  /// Recorded on every orphan this terminator ends: why signals were used although a
  /// systemd-native method was wanted (`nil` when signals were chosen).
  public var fallbackReason: String?

  /// Creates a terminator.
  public init(killWait: Duration = .seconds(2), pollInterval: Duration = .milliseconds(20), fallbackReason: String? = nil) {
    self.killWait = killWait
    self.pollInterval = pollInterval
    self.fallbackReason = fallbackReason
  }

  /// Signals every orphan with its descendants; one outcome per orphan, in order.
  public func terminate(_ orphans: [Orphan], timeout: Duration) throws(ReaperError) -> [ReapOutcome] {
    try terminations(orphans, timeout: timeout).map(\.outcome)
  }

  /// Signals every orphan with its descendants; one record per orphan, in order, each with
  /// method `.signals` (none for an orphan already gone) and this terminator's `fallbackReason`.
  public func terminations(_ orphans: [Orphan], timeout: Duration) throws(ReaperError) -> [Termination] {
    let watch = try ProcessWatch(orphans.flatMap(\.processes), pollInterval: pollInterval)
    let everything = watch.entries

    watch.send(ProcFS.sigterm, to: everything)
    watch.send(ProcFS.sigcont, to: everything)
    watch.waitForExit(everything, until: ContinuousClock.now + timeout)

    let remaining = watch.alive
    for entry in remaining { entry.needsKill = true }
    watch.send(ProcFS.sigkill, to: remaining)
    watch.waitForExit(remaining, until: ContinuousClock.now + killWait)
    watch.closeAll()

    return orphans.map { orphan in
      let mine = orphan.processes.compactMap(watch.entry)
      if !mine.contains(where: { watch.initiallyAlive.contains($0.identity) }) {
        return Termination(outcome: .vanished, method: nil, fallbackReason: fallbackReason)
      }
      let survivors = mine.filter(\.alive).map(\.identity.pid)
      let outcome: ReapOutcome =
        !survivors.isEmpty ? .survived(survivors.sorted()) : (mine.contains(where: \.needsKill) ? .killed : .terminated)
      return Termination(outcome: outcome, method: .signals, fallbackReason: fallbackReason)
    }
  }
}
