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
/// `Z` all count as exited).
public struct SignalTerminator: OrphanTerminating {
  /// How long to wait for processes to vanish after SIGKILL before calling them survivors.
  public var killWait: Duration
  /// How often `/proc` is polled for processes without a pidfd.
  public var pollInterval: Duration

  /// Creates a terminator.
  public init(killWait: Duration = .seconds(2), pollInterval: Duration = .milliseconds(20)) {
    self.killWait = killWait
    self.pollInterval = pollInterval
  }

  /// One process being ended.
  private final class Target {
    let identity: ProcessIdentity
    var fd: Int32?
    var alive = true
    var needsKill = false

    init(identity: ProcessIdentity) {
      self.identity = identity
    }
  }

  /// Signals every orphan with its descendants; one outcome per orphan, in order.
  public func terminate(_ orphans: [Orphan], timeout: Duration) throws(ReaperError) -> [ReapOutcome] {
    let reader = try ProcFS.Reader()
    var targets: [ProcessIdentity: Target] = [:]
    var order: [Target] = []
    for identity in orphans.flatMap(\.processes) where targets[identity] == nil {
      let target = Target(identity: identity)
      target.fd = ProcFS.pidfdOpen(identity.pid)
      // Checked after opening the pidfd: if the start time still matches, the pidfd holds that very process.
      if !isRunning(identity, reader: reader) { markGone(target) }
      targets[identity] = target
      order.append(target)
    }
    let initiallyAlive = Set(order.filter(\.alive).map(\.identity))

    send(ProcFS.sigterm, to: order, reader: reader)
    send(ProcFS.sigcont, to: order, reader: reader)
    waitForExit(order, until: ContinuousClock.now + timeout, reader: reader)

    let remaining = order.filter(\.alive)
    for target in remaining { target.needsKill = true }
    send(ProcFS.sigkill, to: remaining, reader: reader)
    waitForExit(remaining, until: ContinuousClock.now + killWait, reader: reader)
    for target in order { close(target) }

    return orphans.map { orphan in
      let mine = orphan.processes.compactMap { targets[$0] }
      if !mine.contains(where: { initiallyAlive.contains($0.identity) }) { return .vanished }
      let survivors = mine.filter(\.alive).map(\.identity.pid)
      if !survivors.isEmpty { return .survived(survivors.sorted()) }
      return mine.contains(where: \.needsKill) ? .killed : .terminated
    }
  }

  /// Whether the process still runs with the recorded start time.
  private func isRunning(_ identity: ProcessIdentity, reader: ProcFS.Reader) -> Bool {
    guard let count = reader.read(identity.pid, "stat"), let stat = ProcStat(reader.buffer[0..<count]) else { return false }
    return stat.startTime == identity.startTime && !stat.hasExited
  }

  /// Sends `signal` to each live target; a target found gone meanwhile is marked so.
  private func send(_ signal: Int32, to targets: [Target], reader: ProcFS.Reader) {
    for target in targets where target.alive {
      let failure: Int32?
      if let fd = target.fd {
        failure = ProcFS.pidfdSendSignal(fd, signal)
      } else if isRunning(target.identity, reader: reader) {
        failure = ProcFS.kill(target.identity.pid, signal)
      } else {
        failure = nil
        markGone(target)
      }
      // ESRCH: it exited between the check and the signal. Other errors (EPERM)
      // leave it alive, so it is reported as a survivor rather than hidden.
      if let failure, failure == ProcFS.noSuchProcess { markGone(target) }
    }
  }

  /// Waits until every target has exited or `deadline` passes.
  private func waitForExit(_ targets: [Target], until deadline: ContinuousClock.Instant, reader: ProcFS.Reader) {
    while true {
      for target in targets where target.alive && target.fd == nil {
        if !isRunning(target.identity, reader: reader) { markGone(target) }
      }
      let watched = targets.filter { $0.alive && $0.fd != nil }
      let polling = targets.contains { $0.alive && $0.fd == nil }
      guard !watched.isEmpty || polling else { return }
      let now = ContinuousClock.now
      guard now < deadline else { return }
      var wait = deadline - now
      if polling { wait = min(wait, pollInterval) }
      let milliseconds = Int32(clamping: max(1, Self.milliseconds(wait)))
      if watched.isEmpty {
        ProcFS.sleep(milliseconds: Int(milliseconds))
      } else {
        for index in ProcFS.pollReadable(watched.map { $0.fd! }, milliseconds: milliseconds) {
          markGone(watched[index])
        }
      }
    }
  }

  private func markGone(_ target: Target) {
    target.alive = false
    close(target)
  }

  private func close(_ target: Target) {
    if let fd = target.fd { ProcFS.closeDescriptor(fd) }
    target.fd = nil
  }

  private static func milliseconds(_ duration: Duration) -> Int64 {
    let (seconds, attoseconds) = duration.components
    return seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
  }
}
