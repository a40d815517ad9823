import ProcessConfig

extension PoolRuntime {
  /// What `restart` did: the stop, then the start.
  public struct RestartReport: Sendable {
    /// The stop of the restarted processes.
    public var stop: StopReport
    /// Their start again.
    public var start: StartReport
    /// Where a rolling restart of a replicated process stopped, if one did.
    public var halted: RollingHalt?
  }

  /// A rolling restart that stopped at an instance that did not come back healthy.
  public struct RollingHalt: Sendable, Equatable {
    /// The replicated process (`web`).
    public var process: String
    /// The instance that failed (`web@2`).
    public var instance: String
    /// The instances never restarted: they still run the old version.
    public var untouched: [String]
  }

  /// Restarts `requested` (the whole pool when empty) with the current config.
  ///
  /// The whole pool: stopped, then started; where it holds sockets, process by process instead
  /// (`restartInTurn`), so the sockets stay and the pool keeps answering.
  ///
  /// Named processes restart in turn with the processes that depend on them with
  /// `restart: true`: each restarts after the processes it depends on are back and healthy.
  /// Other dependents keep running: `Wants=` propagates nothing.
  ///
  /// A replicated process's name rolls: its instances restart one at a time in number order,
  /// each health-gated before the next, and the roll stops at the first instance that does not
  /// come back (`RestartReport.halted`), leaving the rest on the old version. `rolling` hears
  /// each instance before it restarts.
  public func restart(
    _ requested: [String], stopped: (StopReport) -> Void = { _ in }, progress: (StartEvent) -> Void = { _ in },
    rolling: (String) -> Void = { _ in }
  ) throws(SystemdError) -> RestartReport {
    guard !requested.isEmpty else {
      if pool.processes.values.contains(where: { !$0.listen.isEmpty }) {
        return try restartInTurn(pool.topologicalOrder(), stopped: stopped, progress: progress, rolling: rolling)
      }
      let stopReport = try stop()
      stopped(stopReport)
      return RestartReport(stop: stopReport, start: try start(progress: progress))
    }
    return try restartInTurn(requested, stopped: stopped, progress: progress, rolling: rolling)
  }

  /// `requested` and their `restart: true` dependents, one process at a time in start order
  /// (dependencies first; a replicated process rolls, instance by instance), each healthy before
  /// the next; it stops at the first that does not come back.
  ///
  /// Each process stops alone (`restartAlone`): the others keep running, and every socket stays
  /// bound. Stopping a dependency together with a dependent whose socket is kept would not
  /// restart the dependency under load: a connection waiting on the dependent's socket starts the
  /// dependent (socket activation), its start pulls in its dependencies (`Wants=`), and that start
  /// job replaces the dependency's pending stop job (seen with `restart pool_manager` on the demo
  /// under `ab`, the proxy following it with `restart: true`: the manager kept its PID).
  ///
  /// Without `followingDependents`, `requested` already names every process to restart.
  func restartInTurn(
    _ requested: [String], followingDependents: Bool = true, stopped: (StopReport) -> Void,
    progress: (StartEvent) -> Void, rolling: (String) -> Void
  ) throws(SystemdError) -> RestartReport {
    let affected = Set(followingDependents ? withRestartingDependents(requested) : pool.resolvingInstances(requested))
    var report = RestartReport(stop: StopReport(results: []), start: StartReport(results: []))
    var done = Set<String>()
    for process in pool.topologicalOrder() where affected.contains(process) && !done.contains(process) {
      // Every instance of a replicated process has the same dependencies: they take one turn.
      let group = pool.processes[process]?.replicaOf
      let turn = group.map { pool.instances(of: $0).filter(affected.contains) } ?? [process]
      for (index, instance) in turn.enumerated() {
        if group != nil { rolling(instance) }
        let step = try restartAlone(instance, stopped: stopped, progress: progress)
        report.stop.results += step.stop.results
        report.start.results += step.start.results
        done.insert(instance)
        guard step.start.succeeded else {
          if let group { report.halted = RollingHalt(process: group, instance: instance, untouched: Array(turn[(index + 1)...])) }
          return report
        }
      }
    }
    return report
  }

  /// Stops `process` alone (its `restart: true` dependents keep running: the caller restarts
  /// them after it) and starts it again, health-gated.
  ///
  /// Its socket stays: connections wait in its backlog meanwhile. `replacingSocket` stops the
  /// socket too, so that the service and socket are made anew from the config (a socket the
  /// config no longer has is stopped as well).
  func restartAlone(
    _ process: String, replacingSocket: Bool = false, stopped: (StopReport) -> Void, progress: (StartEvent) -> Void
  ) throws(SystemdError) -> RestartReport {
    let stopReport = try stop([process], dependents: false, keepingSockets: !replacingSocket)
    stopped(stopReport)
    if replacingSocket { try stopUnits([names.socket(process)]) }
    // `start` checks the dependencies too: those found running are not news (a dependency it
    // has to start again is). The restart reports only what it restarted.
    let started = try start([process], progress: { event in
      if case .finished(let result) = event, result.process != process, result.outcome == .alreadyRunning { return }
      progress(event)
    })
    return RestartReport(stop: stopReport, start: StartReport(results: started.results.filter { $0.process == process }))
  }
}
