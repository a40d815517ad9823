import ProcessConfig
import UnitCompiler

#if canImport(Glibc)
  import Glibc
#endif

extension PoolRuntime {
  /// The state of `requested` processes (all when empty), in start order.
  public func status(_ requested: [String] = []) throws(SystemdError) -> PoolStatus {
    let now = Self.monotonicMicroseconds()
    var processes: [ProcessStatus] = []
    let requested = pool.resolvingInstances(requested)
    let shown = requested.isEmpty ? pool.topologicalOrder() : pool.topologicalOrder().filter(requested.contains)
    // One batched read for every unit shown, instead of a round of calls per unit.
    let sockets = shown.filter { !pool.processes[$0]!.listen.isEmpty }.map(names.socket)
    let states = try manager.unitStates(shown.map(names.service) + sockets)
    // The health unit's last results, as it published them.
    let health = healthState?.read() ?? [:]
    let exits = earlyExits?.read() ?? [:]
    for process in shown {
      let unit = names.service(process)
      let state = states[unit]
      var status = ProcessStatus(
        process: process, unit: unit, state: state?.activeState ?? .inactive, subState: state?.subState ?? .dead,
        mainPID: (state?.mainPID ?? 0) > 0 ? state?.mainPID : nil,
        uptimeSeconds: nil, restarts: state?.restarts ?? 0, memoryBytes: state?.memoryBytes,
        lastResult: state?.result ?? .notLoaded, health: nil, healthAgeSeconds: nil,
        logFile: journal == nil ? logDirectory.map { LogPath.file(process: process, in: $0) } : nil, note: nil)
      if let listen = pool.processes[process]?.listen, !listen.isEmpty {
        status.listen = listen.map(\.description)
        status.socketState = states[names.socket(process)]?.activeState ?? .inactive
      }
      // Only set under the journal, so the file-based JSON stays as it was.
      status.logsInJournal = journal != nil ? true : nil
      if let state, state.isActive, state.activeEnterMonotonic > 0, now > state.activeEnterMonotonic {
        status.uptimeSeconds = Double(now - state.activeEnterMonotonic) / 1e6
      }
      if let record = health[process], pool.processes[process]!.hasLiveness {
        status.health = record.healthy ? "healthy" : "unhealthy"
        status.healthAgeSeconds = now > record.checkedMonotonic ? Double(now - record.checkedMonotonic) / 1e6 : 0
      }
      if state == nil, pool.processes[process]!.restartPolicy == .no {
        status.finished = true
        status.subState = .gone
        status.note = "restart_policy no: the unit is removed once the process ends successfully"
      } else if let state, pool.processes[process]!.restartPolicy == .no, state.activeState == .inactive,
        state.result == .success, state.mainExitMonotonic > 0
      {
        // An installed unit file stays loaded after its process ended: ran once, done.
        status.finished = true
        status.note = "restart_policy no: the process ran and ended successfully"
      } else if let state, state.hitStartLimit(policy: pool.processes[process]!.restartPolicy) {
        status.note = "crashed too often: start limit hit (\(StartLimit.summary)), systemd gave up; `cgipool start` tries again"
      } else if let state, state.result == .oomKill {
        status.note = Self.oomNote(pool.processes[process]!) + (state.subState == .autoRestart ? "; waiting to restart" : "")
      } else if let state, state.activeState == .failed, state.result == .timeout, state.execMainCode == 2,
        state.execMainStatus == SIGKILL, state.activeEnterMonotonic >= state.mainStartMonotonic, state.mainStartMonotonic > 0
      {
        // Killed after a timeout once this process had been active (a start timeout never got
        // that far): the stop's SIGTERM went unheeded.
        status.note = "did not stop within its stop_timeout and was killed (SIGKILL)"
      } else if let state, state.subState != .autoRestart, EarlyExit.isEarly(state, spec: pool.processes[process]!),
        // A `no` process may end at once by design; only a command that never ran is news there.
        pool.processes[process]!.restartPolicy != .no || FailureExplanation.setupFailures[state.execMainStatus] != nil,
        let early = EarlyExit.describe(state, spec: pool.processes[process]!)
      {
        status.note = early
        // The batched listing leaves out ExecStart=, which the diagnosis needs.
        if state.execMainStatus == ExecFailure.exitStatus, state.execMainCode == 1,
          let full = try manager.unitState(unit), let why = execFailure(process, state: full)
        {
          status.note! += ": " + why
        }
      } else if state == nil, let reason = exits[process] {
        // Unloaded by the manager after it ended; `start` kept what it saw.
        status.note = "at its last start: " + reason
      } else if state?.subState == .autoRestart {
        status.note = "waiting to restart"
      }
      processes.append(status)
    }
    return PoolStatus(pool: pool.name, manager: manager.managerDescription, processes: processes)
  }

  /// What an OOM kill means for `spec`, in the user's words.
  static func oomNote(_ spec: ProcessSpec) -> String {
    if let bytes = spec.limits.memoryBytes {
      return "killed by the kernel's OOM killer: it used more than its limits.memory (\(bytes) bytes)"
    }
    return "killed by the kernel's OOM killer (the machine or its cgroup ran out of memory)"
  }

  /// CLOCK_MONOTONIC in microseconds, the clock of systemd's `*Monotonic` timestamps.
  static func monotonicMicroseconds() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000 + UInt64(spec.tv_nsec) / 1000
  }
}
