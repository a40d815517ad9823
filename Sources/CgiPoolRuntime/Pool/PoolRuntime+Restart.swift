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
  /// A named process restarts alone, with the processes that depend on it with
  /// `restart: true` (systemd's `PartOf=` stops them with it; they are started again after
  /// it is healthy). Other dependents keep running: `Wants=` propagates nothing.
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
        return try restartInTurn(stopped: stopped, progress: progress, rolling: rolling)
      }
      let stopReport = try stop()
      stopped(stopReport)
      return RestartReport(stop: stopReport, start: try start(progress: progress))
    }
    let replicated = requested.filter { pool.processes[$0] == nil && pool.replicaCounts[$0] != nil }
    let plain = requested.filter { !replicated.contains($0) }
    var report = RestartReport(stop: StopReport(results: []), start: StartReport(results: []))
    if !plain.isEmpty {
      report = try restartTogether(plain, stopped: stopped, progress: progress)
      if !report.start.succeeded { return report }
    }
    for process in replicated {
      let instances = pool.instances(of: process)
      for (index, instance) in instances.enumerated() {
        rolling(instance)
        let step = try restartTogether([instance], stopped: stopped, progress: progress)
        report.stop.results += step.stop.results
        report.start.results += step.start.results
        if !step.start.succeeded {
          report.halted = RollingHalt(
            process: process, instance: instance, untouched: Array(instances[(index + 1)...]))
          return report
        }
      }
    }
    return report
  }

  /// The whole pool of a pool that holds sockets (`listen`), one process at a time in start
  /// order, dependencies first, each as `restart NAME` does it (a replicated one rolls), each
  /// healthy before the next; it stops at the first that does not come back.
  ///
  /// Every socket stays bound, and every process but the one restarting keeps serving. Stopping
  /// a dependency together with a dependent whose socket is kept does not restart the
  /// dependency under load: a connection waiting on the dependent's socket starts the dependent
  /// (socket activation), its start pulls in its dependencies (`Wants=`), and that start job
  /// replaces the dependency's pending stop job (seen with `restart pool_manager proxy` on the
  /// demo under `ab`: the manager kept its PID, reported as a survivor).
  func restartInTurn(
    stopped: (StopReport) -> Void, progress: (StartEvent) -> Void, rolling: (String) -> Void
  ) throws(SystemdError) -> RestartReport {
    var report = RestartReport(stop: StopReport(results: []), start: StartReport(results: []))
    let group = { (process: String) in self.pool.processes[process]?.replicaOf ?? process }
    var restarted = Set<String>()
    for process in pool.topologicalOrder().map(group) where !restarted.contains(process) {
      let step = try restart([process], stopped: stopped, progress: progress, rolling: rolling)
      report.stop.results += step.stop.results
      report.start.results += step.start.results
      // Its `restart: true` dependents restarted with it.
      restarted.formUnion(withRestartingDependents([process]).map(group))
      if step.halted != nil || !step.start.succeeded {
        report.halted = step.halted
        return report
      }
    }
    return report
  }

  /// Stops `requested` (and their `restart: true` dependents) and starts them again.
  ///
  /// By default the sockets stay: connections wait in their backlogs while the processes
  /// restart. `replacingSockets` stops them instead, every socket of `requested` that is loaded
  /// (one the config no longer has too), so that the services and sockets are made anew from the config.
  /// Without `startingDependents` only `requested` start again: their stopped dependents wait
  /// for the caller.
  func restartTogether(
    _ requested: [String], replacingSockets: Bool = false, startingDependents: Bool = true,
    stopped: (StopReport) -> Void, progress: (StartEvent) -> Void
  ) throws(SystemdError) -> RestartReport {
    let affected = startingDependents ? withRestartingDependents(requested) : requested
    let stopReport = try stop(requested, dependents: false, keepingSockets: !replacingSockets)
    stopped(stopReport)
    if replacingSockets { try stopUnits(requested.map(names.socket)) }
    let started = try start(affected, progress: progress)
    // `start` reports the dependencies it checked too; the restart reports what it restarted.
    let results = started.results.filter { affected.contains($0.process) }
    return RestartReport(stop: stopReport, start: StartReport(results: results))
  }
}
