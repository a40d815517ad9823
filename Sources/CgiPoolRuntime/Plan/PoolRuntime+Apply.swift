import ProcessConfig
import UnitCompiler

extension PoolRuntime {
  /// Carries out `plan`: stops removed processes, restarts changed ones with the dependents that
  /// follow them, starts added ones, and adds, replaces or removes helper units. Unchanged
  /// processes are not touched (their PIDs stay).
  ///
  /// A replicated process's changed instances (`plan.rolling`) restart one at a time, each
  /// healthy before the next, as `restart NAME` rolls them: the roll stops at the first instance
  /// that does not come back (`ApplyReport.halted`) and leaves the rest on their old definition.
  /// `rolling` hears each instance before it restarts.
  ///
  /// A changed definition is made anew: its unit, and its socket with it, is stopped (unloaded)
  /// and created from the config, so the socket's connections wait in no backlog meanwhile; a
  /// replica's siblings keep serving on their own sockets. A process whose env files changed
  /// only restarts its loaded definition and keeps its socket listening.
  public func apply(
    _ plan: PoolPlan, stopped: (StopReport) -> Void, progress: (StartEvent) -> Void, rolling: (String) -> Void = { _ in }
  ) throws(SystemdError) -> ApplyReport? {
    let removed = plan.entries.filter { $0.action == .remove }
    if !removed.isEmpty {
      // A removed process's socket would start it again at the next connection.
      try stopUnits(removed.flatMap { [$0.unit, names.socket($0.process)] })
      for entry in removed { try? manager.resetFailedUnit(entry.unit) }
    }
    let entries = Dictionary(uniqueKeysWithValues: plan.entries.map { ($0.process, $0) })
    let rolled = Set(plan.rolling)
    // Made anew together: changed processes that are not rolled, and the dependents that follow.
    let anew = plan.entries.filter { ($0.needsNewDefinition && !rolled.contains($0.process)) || !$0.follows.isEmpty }.map(\.process)
    var takenDown = Set<String>()
    if !anew.isEmpty {
      // Stopping a process stops its dependents too; the transient units are then unloaded, and
      // the start below creates them from the current config.
      takenDown = Set(withDependents(anew))
      stopped(try stop(anew))
      try stopUnits(anew.filter { entries[$0]!.needsNewDefinition }.map(names.socket))
    }
    var report = ApplyReport(start: StartReport(results: []))
    var done = Set<String>()
    // Edited env files only: the loaded definition restarts in place, as `restart NAME` does.
    let reread = plan.entries.filter {
      $0.action == .change && !$0.needsNewDefinition && !rolled.contains($0.process) && !takenDown.contains($0.process)
    }.map(\.process)
    if !reread.isEmpty {
      // Their `restart: true` dependents follow, a replicated one rolling.
      let step = try restartInTurn(reread, stopped: stopped, progress: progress, rolling: rolling)
      report.start.results += step.start.results
      done.formUnion(step.start.results.map(\.process))
      report.halted = step.halted
    }
    // Each changed instance alone, in turn: a new definition's dependents were stopped above and
    // start after the roll; the `restart: true` dependents of instances restarted in place follow
    // once, after the roll, as after `restart NAME`. An instance that already restarted as a
    // follower of a re-read process is not restarted again.
    var inPlace: [String] = []
    for (index, instance) in plan.rolling.enumerated() where report.halted == nil && !done.contains(instance) {
      rolling(instance)
      let entry = entries[instance]!
      let step = try restartAlone(instance, replacingSocket: entry.needsNewDefinition, stopped: stopped, progress: progress)
      report.start.results += step.start.results
      done.formUnion(step.start.results.map(\.process))
      if !entry.needsNewDefinition { inPlace.append(instance) }
      if !step.start.succeeded {
        let rest = plan.rolling[(index + 1)...].filter {
          PoolConfig.splitInstanceName($0)?.process == PoolConfig.splitInstanceName(instance)?.process
        }
        report.halted = RollingHalt(process: pool.processes[instance]?.replicaOf ?? instance, instance: instance, untouched: rest)
      }
    }
    let followers = withRestartingDependents(inPlace).filter { !done.contains($0) && !takenDown.contains($0) && !rolled.contains($0) }
    if report.halted == nil && !followers.isEmpty {
      let step = try restartInTurn(followers, followingDependents: false, stopped: stopped, progress: progress, rolling: rolling)
      report.start.results += step.start.results
      done.formUnion(step.start.results.map(\.process))
      report.halted = step.halted
    }
    // Before the start below, which would otherwise find them stale and replace them itself.
    try applyHelpers(plan.helpers)
    let toStart = (plan.restarts + plan.entries.filter { $0.action == .add }.map(\.process)).filter {
      // A rolled instance has restarted, or stays on its old definition after a halted roll.
      !done.contains($0) && !rolled.contains($0)
    }
    if !toStart.isEmpty {
      let started = try start(pool.topologicalOrder().filter(toStart.contains), progress: progress)
      report.start.results += started.results.filter { !done.contains($0.process) }
    }
    return report.start.results.isEmpty && report.halted == nil ? nil : report
  }

  /// Stops those of `units` that are loaded and waits for them.
  func stopUnits(_ units: [String]) throws(SystemdError) {
    let loaded = try manager.listedStates(units)
    guard !loaded.isEmpty else { return }
    try manager.watchJobs()
    var jobs: Set<String> = []
    for unit in units where loaded[unit] != nil {
      if let job = try manager.stopUnit(unit) { jobs.insert(job) }
    }
    _ = try manager.waitForJobs(jobs, timeout: 60, progress: { _ in })
  }
}
