import ProcessConfig

#if canImport(Glibc)
  import Glibc
#endif

/// The processes of one `start` that were reported active and must first stay up for their
/// `settle_time` (no health check, a restarting policy), and the verdicts reached so far.
///
/// A class, because it is fed from the start's progress events and checked from inside its job
/// waits (`PoolRuntime.checkSettling`), while the start's own results are borrowed elsewhere.
final class SettleWatch {
  /// When each waiting process's start job reported it active.
  var since: [String: Double] = [:]
  /// The first state seen for each waiting process: a restart or a new main process since then
  /// means it left.
  var first: [String: UnitState?] = [:]
  /// The processes decided, with their outcome (`started`, or `failed` with the reason).
  var verdicts: [String: ProcessStartResult] = [:]

  /// Whether any process still waits.
  var isWaiting: Bool { !since.isEmpty }
}

extension PoolRuntime {
  /// Checks the processes waiting in `watch` once: one that is still up, unchanged, once its
  /// `settle_time` has passed is called up; one that left is failed with how and when it ended.
  /// Reports each verdict through `progress`.
  func checkSettling(_ watch: SettleWatch, progress: (StartEvent) -> Void) throws(SystemdError) {
    guard watch.isWaiting else { return }
    let waiting = watch.since.keys.sorted()
    let states = try manager.unitStates(waiting.map(names.service))
    let now = MonotonicClock.now()
    for process in waiting {
      let spec = pool.processes[process]!
      let unit = names.service(process)
      let state = states[unit]
      if watch.first[process] == nil { watch.first[process] = .some(state) }
      let seen = watch.first[process]!
      let unchanged =
        state.map { $0.isActive && $0.restarts == seen?.restarts && $0.mainStartMonotonic == seen?.mainStartMonotonic }
        ?? false
      let result: ProcessStartResult
      if unchanged {
        guard now >= watch.since[process]! + spec.settleTime else { continue }
        result = ProcessStartResult(process: process, unit: unit, outcome: .started)
      } else {
        // Unloaded already (a successful exit): its last announced state still says how it ended.
        var last = state
        if last == nil { last = try manager.lastAnnouncedState(unit) }
        result = ProcessStartResult(process: process, unit: unit, outcome: .failed(settleFailure(process, state: last)))
      }
      watch.verdicts[process] = result
      watch.since[process] = nil
      progress(.finished(result))
    }
  }

  /// Checks `watch` every 50 ms until no process waits.
  func settle(_ watch: SettleWatch, isCancelled: () -> Bool, progress: (StartEvent) -> Void) throws(SystemdError) {
    while true {
      if isCancelled() { throw SystemdError(message: "interrupted", errno: ECANCELED) }
      try checkSettling(watch, progress: progress)
      guard watch.isWaiting else { return }
      MonotonicClock.sleep(0.05)
    }
  }

  /// Why a process did not stay up for its settle time.
  func settleFailure(_ process: String, state: UnitState?) -> String {
    let spec = pool.processes[process]!
    let window = "within its settle_time of \(EarlyExit.duration(spec.settleTime))"
    guard let state else { return "ended \(window); the unit is gone" }
    var reason = (EarlyExit.describe(state, spec: spec) ?? "ended") + ", " + window
    if state.subState == .autoRestart || state.restarts > 0 {
      reason += "; systemd is restarting it (policy \(spec.restartPolicy.rawValue))"
    }
    return reason
  }
}
