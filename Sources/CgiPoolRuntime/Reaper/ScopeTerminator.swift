import SystemdBus
import UnitCompiler

/// Ends orphans the systemd-native way: moves their processes into one
/// transient scope unit and has the manager stop it, so the orphans get the
/// same SIGTERM (plus SIGCONT) → `TimeoutStopUSec` → SIGKILL as every unit.
///
/// Steps:
/// 1. Every process of every orphan is held by a pidfd and checked against its
///    scanned start time (`ProcessWatch`); only those still running are moved.
/// 2. `org.freedesktop.systemd1.Manager.StartTransientUnit` creates
///    `<pool>-orphans-<token>.scope` with `PIDs` (`au`), `KillMode=control-group`,
///    `TimeoutStopUSec` = the reaper timeout, `SendSIGKILL=yes`,
///    `CollectMode=inactive-or-failed` and a Description naming the patterns;
///    its start job is awaited (`JobWaiter`).
/// 3. `StopUnit` stops it; the stop job, the processes' exits (pidfds) and the
///    scope's final `Result` (from its `PropertiesChanged`, taken once
///    `UnitRemoved` shows the scope was collected) are awaited.
/// 4. Each orphan's outcome: `.terminated` when all its processes ended before
///    the timeout, `.killed` when SIGKILL was needed (the scope's Result is
///    `timeout` and one of its processes was still running at the timeout; when
///    the Result is `success` nobody was SIGKILLed), `.survived` for processes
///    still running afterwards, `.vanished` when all were gone before the stop.
///
/// When the manager refuses before the stop has begun (access denied, a
/// process that cannot be moved, a unit name taken, no manager answering),
/// the orphans are handed to `SignalTerminator` and the reason is recorded on
/// each `Termination`. A process exiting while it is moved makes the manager
/// answer NoSuchProcess; the move is then retried once without it.
///
/// Only the PIDs of the orphan list are moved, so the scope's control group
/// holds nothing else (children they fork after the move included, which are
/// theirs). Because systemd 252 takes PIDs rather than pidfds, a PID that
/// exits and is reused between the check and the move could be moved too;
/// this is detected afterwards (`GetUnitByPID`) and the scope is then left
/// running (not stopped) and the orphans are signalled instead.
///
/// Not thread-safe, like its `SystemdManager`: use one terminator from one task at a time.
public struct ScopeTerminator: OrphanTerminating, @unchecked Sendable {
  /// The infix of orphan scope names: `<pool>-orphans-<token>.scope`.
  public static let scopeInfix = "-orphans-"

  /// The manager the scope is created in.
  public var manager: SystemdManager
  /// The pool the orphans belong to; names the scope.
  public var poolName: String
  /// The scope's name; `nil` for a fresh `<pool>-orphans-<random>.scope` on each call.
  public var scopeName: String?
  /// How long to wait, after the stop job, for the processes to vanish and the scope to be collected.
  public var killWait: Duration
  /// How often `/proc` is polled for processes without a pidfd.
  public var pollInterval: Duration
  /// Time allowed for the manager's jobs beyond the stop timeouts themselves.
  public var jobMargin: Duration

  /// Creates a terminator that uses `manager`.
  public init(
    manager: SystemdManager, poolName: String, scopeName: String? = nil, killWait: Duration = .seconds(2),
    pollInterval: Duration = .milliseconds(20), jobMargin: Duration = .seconds(30)
  ) {
    self.manager = manager
    self.poolName = poolName
    self.scopeName = scopeName
    self.killWait = killWait
    self.pollInterval = pollInterval
    self.jobMargin = jobMargin
  }

  /// A fresh scope name for `pool`: `<pool>-orphans-<8 hex digits>.scope`.
  public static func makeScopeName(pool: String) -> String {
    let token = String(UInt32.random(in: .min ... .max), radix: 16)
    return pool + scopeInfix + String(repeating: "0", count: 8 - token.count) + token + ".scope"
  }

  /// Ends every orphan through one scope; one outcome per orphan, in order.
  public func terminate(_ orphans: [Orphan], timeout: Duration) throws(ReaperError) -> [ReapOutcome] {
    try terminations(orphans, timeout: timeout).map(\.outcome)
  }

  /// Ends every orphan through one scope (or, if the manager refuses, by signals); one record
  /// per orphan, in order.
  public func terminations(_ orphans: [Orphan], timeout: Duration) throws(ReaperError) -> [Termination] {
    let name = scopeName ?? Self.makeScopeName(pool: poolName)
    let watch = try ProcessWatch(orphans.flatMap(\.processes), pollInterval: pollInterval)
    guard !watch.initiallyAlive.isEmpty else {
      return orphans.map { _ in Termination(outcome: .vanished, method: nil) }
    }
    let run = ScopeRun(terminator: self, name: name, watch: watch, orphans: orphans)
    do {
      try run.start(timeout: timeout)
      try run.requestStop(timeout: timeout)
    } catch {
      // Nothing was signalled yet: the signal path starts from scratch with its own pidfds.
      watch.closeAll()
      let fallback = SignalTerminator(killWait: killWait, pollInterval: pollInterval, fallbackReason: error.reason)
      return try fallback.terminations(orphans, timeout: timeout)
    }
    let stop = run.awaitStop()
    watch.closeAll()

    return orphans.map { orphan in
      let mine = orphan.processes.compactMap(watch.entry)
      let acted = mine.filter { stop.movedAlive.contains($0.identity) }
      guard !acted.isEmpty else { return Termination(outcome: .vanished, method: nil) }
      let survivors = acted.filter(\.alive).map(\.identity.pid)
      let outcome: ReapOutcome
      if !survivors.isEmpty {
        outcome = .survived(survivors.sorted())
      } else if stop.result == .success {
        outcome = .terminated
      } else {
        // Result `timeout` (or unknown): SIGKILL went to whatever still ran at the timeout.
        let late = acted.contains { entry in entry.exitedAt.map { $0 >= stop.killDeadline } ?? true }
        outcome = late ? .killed : .terminated
      }
      return Termination(outcome: outcome, method: .scope(name))
    }
  }
}

/// Why the scope path was not taken; its text is recorded as the fallback reason.
struct ScopeRefusal: Error {
  var reason: String
}

/// One use of a scope: creation, stop, and what was observed meanwhile.
private final class ScopeRun {
  /// What the stop phase saw.
  struct Stopped {
    /// The processes moved into the scope that still ran when it was stopped.
    var movedAlive: Set<ProcessIdentity>
    /// The stop began plus the timeout: systemd sends SIGKILL no earlier than this.
    var killDeadline: ContinuousClock.Instant
    /// The scope's final `Result` (`success`, `timeout`, ...), `nil` when not observed.
    var result: ServiceResult?
  }

  let terminator: ScopeTerminator
  let name: String
  let watch: ProcessWatch
  let orphans: [Orphan]
  var manager: SystemdManager { terminator.manager }

  private var waiter: JobWaiter?
  private var matches: [BusMatch] = []
  /// The last `Result` the scope's `PropertiesChanged` carried.
  private var lastResult: ServiceResult?
  /// Whether `UnitRemoved` for the scope arrived (it is sent after the unit's final change).
  private var removed = false
  /// The processes that were moved.
  private var moved: [ProcessWatch.Entry] = []

  /// The stop job, once requested (`nil` when there was nothing to stop).
  private var stopJob: String?
  /// What `requestStop` found; completed by `awaitStop`.
  private var stopped: Stopped?
  /// When systemd gives up on the stop for good: after the timeout twice (SIGTERM, then
  /// SIGKILL) and the job margin.
  private var hardDeadline = ContinuousClock.now

  init(terminator: ScopeTerminator, name: String, watch: ProcessWatch, orphans: [Orphan]) {
    self.terminator = terminator
    self.name = name
    self.watch = watch
    self.orphans = orphans
  }

  /// Installs the watches, creates the scope with the live processes and waits for its start
  /// job; throws when the manager refuses, before anything was signalled.
  func start(timeout: Duration) throws(ScopeRefusal) {
    let path = SystemdManager.unitPath(forName: name)
    do {
      // Matches first, then Subscribe (inside makeJobWaiter), so no signal is missed.
      matches.append(
        try manager.watchUnitProperties { [weak self] change in
          guard let self, change.path == path, change.interface == ScopeRun.scopeInterface,
            let result = change.changed["Result"]?.stringValue
          else { return }
          self.lastResult = ServiceResult(rawValue: result)
        })
      matches.append(
        try manager.connection.addSignalMatch(
          sender: SystemdManager.destination, path: SystemdManager.path, interface: SystemdManager.interface,
          member: "UnitRemoved"
        ) { [weak self] message in
          guard let self, let values = try? message.readAll(), values.first?.stringValue == self.name else { return }
          self.removed = true
        })
      waiter = try manager.makeJobWaiter()
    } catch {
      throw ScopeRefusal(reason: "cannot watch the manager's jobs: \(error)")
    }

    var job: String?
    for attempt in 0..<2 {
      moved = watch.entries.filter { watch.initiallyAlive.contains($0.identity) && watch.checkAlive($0) }
      // Everything exited on its own: nothing to move, nothing to refuse.
      if moved.isEmpty { return }
      do {
        job = try manager.startTransientUnit(name, mode: .fail, properties: properties(timeout: timeout))
        break
      } catch where error.isNoSuchProcess && attempt == 0 {
        // A process exited after its check: check again and move the rest.
        continue
      } catch {
        throw ScopeRefusal(reason: "the manager refused to create \(name): \(error)")
      }
    }
    guard let job, let waiter else { throw ScopeRefusal(reason: "the manager refused to create \(name)") }
    do {
      let outcome = try waiter.wait(for: job, timeout: terminator.jobMargin)
      guard outcome.result == .done else {
        throw ScopeRefusal(reason: "the start job of \(name) ended with result \"\(outcome.result)\" (a process could not be moved)")
      }
    } catch let refusal as ScopeRefusal {
      throw refusal
    } catch {
      throw ScopeRefusal(reason: "waiting for the start of \(name) failed: \(error)")
    }
    try checkNoStrangers(path: path)
  }

  /// Refuses when a moved PID exited and was reused by a process now in the scope: that process
  /// is not an orphan, so the scope must not be stopped.
  private func checkNoStrangers(path: String) throws(ScopeRefusal) {
    for entry in moved where !watch.checkAlive(entry) {
      // Only a PID whose process exited can have been reused; is someone else there now, in our scope?
      guard watch.reader.read(entry.identity.pid, "stat") != nil,
        let unit = try? manager.getUnitByPID(UInt32(bitPattern: entry.identity.pid)), unit == path
      else { continue }
      throw ScopeRefusal(
        reason: "PID \(entry.identity.pid) was reused by another process while it was moved into \(name); "
          + "the scope was left running so that process is not stopped")
    }
  }

  /// The transient unit's properties: the scope in the unit model, through the transient back end.
  private func properties(timeout: Duration) -> [(String, BusValue)] {
    TransientUnitBuilder.build(definition(timeout: timeout)).properties.map {
      ($0.name, BusSystemdManager.busValue($0.value))
    }
  }

  /// The scope as a unit: the moved PIDs, stopped as one cgroup with SIGKILL after `timeout`.
  private func definition(timeout: Duration) -> UnitDefinition {
    var patterns: [String] = []
    for orphan in orphans where !patterns.contains(orphan.pattern) { patterns.append(orphan.pattern) }
    let (seconds, attoseconds) = timeout.components
    // TimeoutStopUSec=0 would mean "no timeout" to systemd, so the shortest wait is 1 µs.
    let microseconds = max(1, UInt64(max(seconds, 0)) &* 1_000_000 &+ UInt64(max(attoseconds, 0) / 1_000_000_000_000))
    let description = "cgipool \(terminator.poolName): orphans matching " + patterns.joined(separator: ", ")
    return UnitDefinition(
      name: name, kind: .scope,
      sections: [
        UnitSection(
          "Unit", [UnitSetting("Description", .string(description)), UnitSetting("CollectMode", .string("inactive-or-failed"))]),
        UnitSection(
          "Scope",
          [
            UnitSetting("PIDs", .pids(moved.map { UInt32(bitPattern: $0.identity.pid) })),
            UnitSetting("KillMode", .string("control-group")),
            UnitSetting("TimeoutStopSec", .microseconds(microseconds), busProperty: "TimeoutStopUSec"),
            UnitSetting("SendSIGKILL", .bool(true)),
          ]),
      ])
  }

  /// Asks the manager to stop the scope (`StopUnit`); throws when it refuses, before anything
  /// was signalled.
  func requestStop(timeout: Duration) throws(ScopeRefusal) {
    let movedAlive = moved.filter { watch.checkAlive($0) }
    let startedAt = ContinuousClock.now
    stopped = Stopped(movedAlive: Set(movedAlive.map(\.identity)), killDeadline: startedAt + timeout, result: nil)
    hardDeadline = startedAt + timeout + timeout + terminator.jobMargin
    guard !movedAlive.isEmpty else {
      // Nothing left to stop: an empty scope stops and is collected by itself.
      _ = try? manager.stopUnitIfLoaded(name)
      return
    }
    do {
      stopJob = try manager.stopUnit(name, mode: .replace)
    } catch {
      throw ScopeRefusal(reason: "the manager refused to stop \(name): \(error)")
    }
  }

  /// Waits for the stop job, the processes' exits and the scope's removal.
  func awaitStop() -> Stopped {
    guard var stopped else { preconditionFailure("awaitStop() before requestStop()") }
    guard let job = stopJob, let waiter else { return stopped }
    let running = moved.filter { stopped.movedAlive.contains($0.identity) }
    let slice = Duration.milliseconds(20)
    var jobDoneAt: ContinuousClock.Instant?
    var busFailed = false
    while true {
      let alive = running.filter(\.alive)
      let now = ContinuousClock.now
      if let jobDoneAt {
        if alive.isEmpty && (removed || busFailed) { break }
        if now >= jobDoneAt + terminator.killWait { break }
      }
      if now >= hardDeadline { break }
      if alive.isEmpty {
        ProcFS.sleep(milliseconds: Int(ProcessWatch.milliseconds(slice)))
      } else {
        watch.poll(alive, for: slice)
      }
      if busFailed { continue }
      do {
        try manager.connection.processAll()
      } catch {
        // The manager went away mid-stop: the pidfds still tell what became of the processes.
        busFailed = true
        jobDoneAt = jobDoneAt ?? ContinuousClock.now
      }
      if jobDoneAt == nil, waiter.finishedJobs.contains(where: { $0.job == job }) {
        jobDoneAt = ContinuousClock.now
      }
    }
    if !busFailed { try? manager.connection.processAll() }
    // The final change signal precedes UnitRemoved, so once removed the last Result is final.
    stopped.result = removed ? lastResult : nil
    matches.removeAll()
    return stopped
  }

  static let scopeInterface = "org.freedesktop.systemd1.Scope"
}
