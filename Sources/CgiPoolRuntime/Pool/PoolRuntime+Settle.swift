import ProcessConfig

#if canImport(Glibc)
  import Glibc
#endif

extension PoolRuntime {
  /// Holds back the "started" verdict of processes that must stay up for their `settle_time`
  /// (no health check, a restarting policy) until they have, and fails those that end first.
  ///
  /// `since` maps each such process to the moment its start job reported it active. A process
  /// counts as settled when, `settle_time` later, its unit is still active with the same main
  /// process start and no restart in between; the manager's word is read every 50 ms.
  func settle(
    _ since: [String: Double], results: inout [String: ProcessStartResult], isCancelled: () -> Bool,
    progress: (StartEvent) -> Void
  ) throws(SystemdError) {
    var first: [String: UnitState] = [:]
    var waiting = since.keys.sorted()
    while !waiting.isEmpty {
      if isCancelled() { throw SystemdError(message: "interrupted", errno: ECANCELED) }
      let states = try manager.unitStates(waiting.map(names.service))
      let now = MonotonicClock.now()
      for process in waiting {
        let spec = pool.processes[process]!
        let unit = names.service(process)
        let state = states[unit]
        let seen = first[process] ?? state
        if first[process] == nil { first[process] = state }
        let unchanged =
          state.map { $0.isActive && $0.restarts == seen?.restarts && $0.mainStartMonotonic == seen?.mainStartMonotonic }
          ?? false
        let result: ProcessStartResult
        if unchanged {
          guard now >= since[process]! + spec.settleTime else { continue }
          result = ProcessStartResult(process: process, unit: unit, outcome: .started)
        } else {
          // Unloaded already (a successful exit): its last announced state still says how it ended.
          var last = state
          if last == nil { last = try manager.lastAnnouncedState(unit) }
          result = ProcessStartResult(process: process, unit: unit, outcome: .failed(settleFailure(process, state: last)))
        }
        results[process] = result
        progress(.finished(result))
        waiting.removeAll { $0 == process }
      }
      if !waiting.isEmpty { MonotonicClock.sleep(0.05) }
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
