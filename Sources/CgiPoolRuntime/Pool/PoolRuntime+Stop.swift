import ProcessConfig
import UnitCompiler

extension PoolRuntime {
  /// Stops `requested` processes (all when empty) and everything that depends on them.
  ///
  /// SIGTERM goes to each unit's whole cgroup, SIGKILL after its stop timeout
  /// (at once with `force`; after `timeout` seconds when given). systemd orders
  /// the stop jobs so dependents stop before their dependencies. Afterwards every
  /// unit's cgroup is checked to be empty.
  ///
  /// When `forceWhen` answers true during the graceful wait (a second Ctrl+C), what is
  /// left is killed at once.
  ///
  /// With `dependents` false only `requested` stop (a process of `cgipool restart`, a replica
  /// removed by `scale`): their stop jobs do not propagate (mode `ignore-requirements`), so even
  /// the processes `PartOf=` one of them (`restart: true`) keep running; `restart` restarts
  /// those itself, once their dependency is back.
  ///
  /// A process's socket (`listen`) stops with it, unless `keepingSockets` (a restart): then it
  /// keeps listening and connections wait in its backlog for the process to come back. A
  /// replica removed by `scale` takes its socket with it, or the kernel would keep handing
  /// connections to a socket nobody serves.
  public func stop(
    _ requested: [String] = [], force: Bool = false, timeout: Double? = nil, dependents: Bool = true,
    keepingSockets: Bool = false, forceWhen: () -> Bool = { false }
  ) throws(SystemdError) -> StopReport {
    let alone = !dependents && !requested.isEmpty
    let order = alone ? pool.topologicalOrder().filter(Set(pool.resolvingInstances(requested)).contains) : withDependents(requested)
    try manager.watchJobs()
    // What start recorded about these processes no longer describes them once they are stopped.
    earlyExits?.update(recording: [:], clearing: order)
    // A stopped pool starts again with its config's replicas.
    if requested.isEmpty { try? scaledReplicas?.update(recording: [:], clearing: nil) }
    // One listing of everything that might be loaded (states only: the stop needs nothing more,
    // and every call here delays the first SIGTERM); only loaded units get a stop job.
    // The helper units stop with the whole pool only: a partial stop leaves them checking the rest.
    var candidates: [String] = requested.isEmpty ? [names.target] + names.helpers : []
    for process in order.reversed() {
      candidates.append(names.service(process))
      // A stopped process's socket would start it again at the next connection.
      if !keepingSockets, pool.processes[process]?.listen.isEmpty == false { candidates.append(names.socket(process)) }
    }
    // With its socket kept, a stopped process is started again by the next connection that
    // arrives (socket activation), maybe before this stop has looked: the processes it started
    // are that new start, not survivors. Only those running before the stop can survive it.
    let heldBefore: Set<Int32>? =
      keepingSockets && order.contains { pool.processes[$0]?.listen.isEmpty == false }
      ? Set(PoolCensus.processes(pool: pool.name, units: Set(order.map(names.service)), cgroupRoot: cgroupRoot).values.joined())
      : nil
    let before = try manager.listedStates(candidates + [names.slice])
    var running: [String: UnitState] = [:]
    for process in order {
      if let state = before[names.service(process)], state.activeState != .inactive { running[process] = state }
    }
    // Stopping the whole pool is one job on its slice: systemd stops every unit in it in one
    // transaction, dependents before their dependencies, instead of one call per unit.
    let sliceLoaded = before[names.slice] != nil
    let wholePool = requested.isEmpty && sliceLoaded
    let units = wholePool ? [names.target, names.slice].filter { $0 == names.slice || before[$0] != nil } : candidates.filter { before[$0] != nil }
    if force {
      for process in order where running[process] != nil {
        try? manager.killUnit(names.service(process), signal: 9)
      }
    }
    var jobs = Set<String>()
    for unit in units {
      if let job = try manager.stopUnit(unit, alone: alone) { jobs.insert(job) }
    }
    let limit = timeout ?? stopTimeout(for: order)
    var forced = force
    var finished: [JobCompletion]
    do {
      finished = try manager.waitForJobs(jobs, timeout: limit, progress: { _ in }, isCancelled: forceWhen)
    } catch where error.isCancelled {
      forced = true
      for process in order { try? manager.killUnit(names.service(process), signal: 9) }
      finished = try manager.waitForJobs(jobs, timeout: 10, progress: { _ in })
    }
    if finished.count < jobs.count {
      // Past the caller's deadline: kill what is left rather than wait for systemd's own timeouts.
      for process in order { try? manager.killUnit(names.service(process), signal: 9) }
      _ = try manager.waitForJobs(jobs.subtracting(finished.map(\.job)), timeout: 5, progress: { _ in })
    }
    if requested.isEmpty && !wholePool {
      // Stopping the slice last catches anything that escaped into it.
      if let job = try manager.stopUnit(names.slice) {
        _ = try manager.waitForJobs([job], timeout: 10, progress: { _ in })
      }
    }
    // A unit that stopped cleanly is inactive (or already unloaded): its cgroup is empty and its
    // result is "success". Only the others (failed after SIGKILL, still deactivating) are read
    // in full and have their cgroups listed, so a clean stop of a large pool returns at once.
    let listed = try manager.listedStates(order.map(names.service))
    let unclean = try manager.unitStates(listed.values.filter { $0.activeState != .inactive }.map(\.name))
    let afterStates = listed.merging(unclean) { _, detailed in detailed }
    var results: [ProcessStopResult] = []
    for process in order.reversed() {
      let unit = names.service(process)
      let left = unclean[unit] == nil ? [] : try manager.unitProcesses(unit).filter { heldBefore?.contains($0) ?? true }
      let outcome: ProcessStopResult.Outcome
      if !left.isEmpty {
        outcome = .survivors(left)
      } else if running[process] != nil {
        let after = afterStates[unit]
        // systemd records a stop that needed SIGKILL as result "timeout" (or "signal" when forced).
        let killed = forced || after?.result == .timeout || finished.count < jobs.count
        outcome = killed ? .killed : .stopped
      } else {
        outcome = .notRunning
      }
      results.append(ProcessStopResult(process: process, unit: unit, outcome: outcome))
    }
    return StopReport(results: leftInProc(results, order: order, helpers: requested.isEmpty, among: heldBefore))
  }

  /// How long a stop may take: dependents stop before dependencies, so the longest chain of stop timeouts, plus a margin.
  func stopTimeout(for order: [String]) -> Double {
    var dependents: [String: [String]] = [:]
    for process in order {
      for dependency in pool.processes[process]!.dependsOn { dependents[dependency, default: []].append(process) }
    }
    var finish: [String: Double] = [:]
    for process in order.reversed() {
      let spec = pool.processes[process]!
      finish[process] = spec.stopTimeout + (dependents[process]?.compactMap { finish[$0] }.max() ?? 0)
    }
    return (finish.values.max() ?? 0) + 10
  }

  /// The manager's word is not the last one: whatever `/proc` still shows in a stopped unit's
  /// cgroup (after up to 2 s for processes just killed to vanish) is reported as a survivor.
  ///
  /// `helpers` false (a stop of some processes): the helper units keep running and are not
  /// waited for; counting the log cap's process would hold every partial stop for the whole 2 s
  /// (each instance of a rolling restart).
  ///
  /// `among` (a stop that kept sockets): only these processes can be survivors; others in the
  /// units were started after the stop by a connection to the kept socket.
  func leftInProc(
    _ results: [ProcessStopResult], order: [String], helpers: Bool = true, among: Set<Int32>? = nil
  ) -> [ProcessStopResult] {
    let units = helpers ? PoolCensus.units(of: order, names: names) : Set(order.map(names.service))
    var left: [String: [Int32]] = [:]
    _ = Posix.poll(timeout: .seconds(2), interval: .milliseconds(50)) {
      left = PoolCensus.processes(pool: pool.name, units: units, cgroupRoot: cgroupRoot)
        .mapValues { $0.filter { among?.contains($0) ?? true } }.filter { !$0.value.isEmpty }
      return left.isEmpty
    }
    guard !left.isEmpty else { return results }
    return results.map { result in
      let pids = (left[result.unit] ?? []).sorted()
      guard !pids.isEmpty else { return result }
      if case .survivors(let known) = result.outcome, Set(known).isSuperset(of: pids) { return result }
      var updated = result
      updated.outcome = .survivors(pids)
      return updated
    }
  }
}
