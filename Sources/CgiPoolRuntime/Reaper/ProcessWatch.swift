/// The processes of a set of orphans, each held so that a reused PID is never
/// mistaken for it, while a terminator ends them.
///
/// Each process is held by a pidfd (`pidfd_open(2)`) whose start time is
/// checked against the scan after opening, so the descriptor holds that very
/// process; exits are awaited with `poll(2)` on the pidfds. Where pidfds are
/// unavailable, `/proc/PID/stat` is polled instead (gone, reused, or state `Z`
/// all count as exited). Shared by `SignalTerminator` and `ScopeTerminator`.
final class ProcessWatch {
  /// One process being watched.
  final class Entry {
    /// The process as scanned.
    let identity: ProcessIdentity
    /// Its pidfd while it runs, `nil` once exited or when pidfds are unavailable.
    var fd: Int32?
    /// Whether it has not been seen to exit yet.
    var alive = true
    /// When its exit was seen (`nil` while alive, or when it was gone from the start).
    var exitedAt: ContinuousClock.Instant?
    /// Set by a terminator that had to SIGKILL it.
    var needsKill = false

    init(identity: ProcessIdentity) {
      self.identity = identity
    }
  }

  /// Reads `/proc` for start-time checks.
  let reader: ProcFS.Reader
  /// Every process, deduplicated, in the order first given.
  let entries: [Entry]
  /// The processes that still ran (with their recorded start time) when the watch began.
  private(set) var initiallyAlive: Set<ProcessIdentity> = []
  /// How often `/proc` is polled for processes without a pidfd.
  let pollInterval: Duration
  private let byIdentity: [ProcessIdentity: Entry]

  /// Opens a pidfd for each process and checks it still runs with its recorded start time.
  init(_ identities: [ProcessIdentity], pollInterval: Duration) throws(ReaperError) {
    reader = try ProcFS.Reader()
    self.pollInterval = pollInterval
    var byIdentity: [ProcessIdentity: Entry] = [:]
    var entries: [Entry] = []
    for identity in identities where byIdentity[identity] == nil {
      let entry = Entry(identity: identity)
      entry.fd = ProcFS.pidfdOpen(identity.pid)
      byIdentity[identity] = entry
      entries.append(entry)
    }
    self.entries = entries
    self.byIdentity = byIdentity
    for entry in entries {
      // Checked after opening the pidfd: if the start time still matches, the pidfd holds that very process.
      if isRunning(entry.identity) {
        initiallyAlive.insert(entry.identity)
      } else {
        entry.alive = false
        close(entry)
      }
    }
  }

  deinit {
    for entry in entries { close(entry) }
  }

  /// The entry of `identity`, `nil` when it was not given.
  func entry(_ identity: ProcessIdentity) -> Entry? {
    byIdentity[identity]
  }

  /// The entries that have not been seen to exit.
  var alive: [Entry] { entries.filter(\.alive) }

  /// Whether the process still runs with the recorded start time (read from `/proc/PID/stat`).
  func isRunning(_ identity: ProcessIdentity) -> Bool {
    guard let count = reader.read(identity.pid, "stat"), let stat = ProcStat(reader.buffer[0..<count]) else { return false }
    return stat.startTime == identity.startTime && !stat.hasExited
  }

  /// Whether `entry` is still running: its pidfd is not readable, or (without one) `/proc` says so.
  /// Marks it exited when not.
  func checkAlive(_ entry: Entry) -> Bool {
    guard entry.alive else { return false }
    if let fd = entry.fd {
      if ProcFS.pollReadable([fd], milliseconds: 0).isEmpty { return true }
    } else if isRunning(entry.identity) {
      return true
    }
    markExited(entry)
    return false
  }

  /// Sends `signal` to each live entry; one found gone meanwhile is marked so.
  func send(_ signal: Int32, to targets: [Entry]) {
    for target in targets where target.alive {
      let failure: Int32?
      if let fd = target.fd {
        failure = ProcFS.pidfdSendSignal(fd, signal)
      } else if isRunning(target.identity) {
        failure = ProcFS.kill(target.identity.pid, signal)
      } else {
        failure = nil
        markExited(target)
      }
      // ESRCH: it exited between the check and the signal. Other errors (EPERM)
      // leave it alive, so it is reported as a survivor rather than hidden.
      if let failure, failure == ProcFS.noSuchProcess { markExited(target) }
    }
  }

  /// Waits until every one of `targets` has exited or `deadline` passes.
  func waitForExit(_ targets: [Entry], until deadline: ContinuousClock.Instant) {
    while targets.contains(where: \.alive) {
      let now = ContinuousClock.now
      guard now < deadline else { return }
      poll(targets, for: deadline - now)
    }
  }

  /// Waits up to `duration` (less when some entry has no pidfd and `/proc` must be polled) for
  /// any of `targets` to exit, marking those that did; returns early on the first exit seen.
  func poll(_ targets: [Entry], for duration: Duration) {
    for target in targets where target.alive && target.fd == nil {
      if !isRunning(target.identity) { markExited(target) }
    }
    let watched = targets.filter { $0.alive && $0.fd != nil }
    let polling = targets.contains { $0.alive && $0.fd == nil }
    var wait = duration
    if polling { wait = min(wait, pollInterval) }
    let milliseconds = Int32(clamping: max(1, Self.milliseconds(wait)))
    if watched.isEmpty {
      ProcFS.sleep(milliseconds: Int(milliseconds))
    } else {
      for index in ProcFS.pollReadable(watched.map { $0.fd! }, milliseconds: milliseconds) {
        markExited(watched[index])
      }
    }
  }

  /// Records that `entry` exited now and releases its pidfd.
  func markExited(_ entry: Entry) {
    guard entry.alive else { return }
    entry.alive = false
    entry.exitedAt = ContinuousClock.now
    close(entry)
  }

  /// Releases every pidfd (entries are not checked afterwards).
  func closeAll() {
    for entry in entries { close(entry) }
  }

  private func close(_ entry: Entry) {
    if let fd = entry.fd { ProcFS.closeDescriptor(fd) }
    entry.fd = nil
  }

  /// `duration` in whole milliseconds, rounded up.
  static func milliseconds(_ duration: Duration) -> Int64 {
    let (seconds, attoseconds) = duration.components
    return seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
  }
}
