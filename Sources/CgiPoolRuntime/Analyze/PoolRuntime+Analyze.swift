extension PoolRuntime {
  /// The timeline of the pool's last start, from the timestamps the manager keeps for each unit.
  public func timeline() throws(SystemdError) -> StartTimeline {
    var stamps: [String: (inactiveExit: UInt64, mainStart: UInt64, activeEnter: UInt64)] = [:]
    for process in pool.processes.keys {
      guard let state = try manager.unitState(names.service(process)), state.activeEnterMonotonic > 0 else { continue }
      stamps[process] = (state.inactiveExitMonotonic, state.mainStartMonotonic, state.activeEnterMonotonic)
    }
    return StartTimeline(pool: pool, timestamps: stamps)
  }
}
