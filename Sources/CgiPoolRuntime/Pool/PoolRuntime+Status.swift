import ProcessConfig

#if canImport(Glibc)
  import Glibc
#endif

extension PoolRuntime {
  /// The state of `requested` processes (all when empty), in start order.
  public func status(_ requested: [String] = []) throws(SystemdError) -> PoolStatus {
    let now = Self.monotonicMicroseconds()
    var processes: [ProcessStatus] = []
    for process in requested.isEmpty ? pool.topologicalOrder() : pool.topologicalOrder().filter(requested.contains) {
      let unit = names.service(process)
      let state = try manager.unitState(unit)
      var status = ProcessStatus(
        process: process, unit: unit, state: state?.activeState ?? "inactive", subState: state?.subState ?? "dead",
        mainPID: (state?.mainPID ?? 0) > 0 ? state?.mainPID : nil,
        uptimeSeconds: nil, restarts: state?.restarts ?? 0, memoryBytes: state?.memoryBytes,
        lastResult: state?.result ?? "-", health: nil, healthAgeSeconds: nil,
        logFile: logDirectory.map { $0 + "/" + process + ".log" }, note: nil)
      if let state, state.isActive, state.activeEnterMonotonic > 0, now > state.activeEnterMonotonic {
        status.uptimeSeconds = Double(now - state.activeEnterMonotonic) / 1e6
      }
      if let probe = try manager.unitState(names.livenessService(process)), probe.mainExitMonotonic > 0 {
        status.health = probe.result == "success" ? "healthy" : "unhealthy"
        status.healthAgeSeconds = now > probe.mainExitMonotonic ? Double(now - probe.mainExitMonotonic) / 1e6 : 0
      }
      if state == nil, pool.processes[process]!.restartPolicy == .no {
        status.finished = true
        status.subState = "gone"
        status.note = "restart_policy no: the unit is removed once the process ends"
      } else if state?.result == "start-limit-hit" {
        status.note = "crashed too often; gave up (start limit). `cgipool start` tries again"
      } else if state?.subState == "auto-restart" {
        status.note = "waiting to restart"
      }
      processes.append(status)
    }
    return PoolStatus(pool: pool.name, manager: manager.managerDescription, processes: processes)
  }

  /// CLOCK_MONOTONIC in microseconds, the clock of systemd's `*Monotonic` timestamps.
  static func monotonicMicroseconds() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000 + UInt64(spec.tv_nsec) / 1000
  }
}
