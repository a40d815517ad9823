import ProcessConfig
import UnitCompiler

#if canImport(Glibc)
  import Glibc
#endif

extension PoolRuntime {
  /// Starts `requested` processes (all when empty) and everything they depend on.
  ///
  /// Every unit is submitted at once, dependencies first, so systemd starts
  /// independent branches in parallel while `After=` holds each dependent back
  /// until its dependencies' health probes pass. A unit whose start is already under
  /// way (an earlier `start` was interrupted) is joined, not reported up early. A unit
  /// whose start job failed while systemd restarts it is followed until it is up, has
  /// hit its start limit, or the start's deadline passes; dependents held back by it
  /// are submitted again once it is up. Returns when every process has settled.
  ///
  /// When `isCancelled` answers true (Ctrl+C) while jobs are pending, every unit this call
  /// submitted is stopped again, so an interrupted start leaves no half-started pool;
  /// processes that were already running before the call are left alone.
  public func start(
    _ requested: [String] = [], isCancelled: () -> Bool = { false }, progress: (StartEvent) -> Void = { _ in }
  ) throws(SystemdError) -> StartReport {
    let order = withDependencies(requested)
    let deadline = MonotonicClock.now() + startTimeout(for: order)
    // A start runs the config's replicas: what `scale` recorded no longer holds for them.
    let replicated = Set(order.compactMap { pool.processes[$0]?.replicaOf })
    if !replicated.isEmpty { try? scaledReplicas?.update(recording: [:], clearing: replicated.sorted()) }
    try manager.watchJobs()
    if !usesInstalledUnits, try manager.unitState(names.slice) == nil, let slice = compiled.unit(named: names.slice) {
      try submitIgnoringExisting(slice)
    }
    var results: [String: ProcessStartResult] = [:]
    var submitted: [String] = []
    var pending = order
    // Processes reported active that must first stay up for their settle_time: their
    // "started" line waits until they have. They are checked between the waits for other
    // jobs (a slow dependency elsewhere does not delay their verdict), then to the end.
    let settling = SettleWatch()
    var settleError: SystemdError?
    let gated: (StartEvent) -> Void = { event in
      if case .finished(let result) = event, result.outcome == .started, self.pool.processes[result.process]!.settles {
        settling.since[result.process] = MonotonicClock.now()
        return
      }
      progress(event)
    }
    let checked: () -> Bool = {
      if isCancelled() { return true }
      do throws(SystemdError) { try self.checkSettling(settling, progress: progress) } catch { settleError = error }
      return settleError != nil
    }
    do throws(SystemdError) {
      // Each round submits what is pending; a process is submitted again only when a
      // dependency it waited for came up late, so the rounds are bounded by the chain length.
      for _ in 0...order.count where !pending.isEmpty {
        try startRound(
          pending, results: &results, submitted: &submitted, deadline: deadline, isCancelled: checked,
          progress: gated)
        try followRestarts(order, results: &results, deadline: deadline, isCancelled: checked, progress: gated)
        pending = try heldBackByRecoveredDependencies(order, results: results)
        if MonotonicClock.now() >= deadline { break }
      }
      if let settleError { throw settleError }
      try settle(settling, isCancelled: isCancelled, progress: progress)
      results.merge(settling.verdicts) { $1 }
    } catch {
      // A failed settle check stopped the wait as a cancellation would: report that failure.
      if let settleError { throw settleError }
      guard error.isCancelled else { throw error }
      return try rollBack(submitted, order: order, results: results, progress: progress)
    }
    let report = StartReport(results: order.compactMap { results[$0] })
    recordEarlyExits(report)
    return report
  }

  /// Keeps the reason of each failed process, so `status` can still say it once the manager has
  /// unloaded the unit (a successful early exit); forgets it for processes now up.
  func recordEarlyExits(_ report: StartReport) {
    guard let earlyExits else { return }
    // Every failure is kept: whether the manager still holds the unit when status asks is a
    // race with its garbage collection, and status shows this only when it does not.
    var recorded: [String: String] = [:]
    for result in report.results {
      if case .failed(let reason) = result.outcome { recorded[result.process] = reason }
    }
    earlyExits.update(recording: recorded, clearing: report.results.filter(\.isSuccess).map(\.process))
  }

  /// Stops what an interrupted start submitted (pending start jobs are replaced, so cancelled).
  func rollBack(
    _ submitted: [String], order: [String], results: [String: ProcessStartResult], progress: (StartEvent) -> Void
  ) throws(SystemdError) -> StartReport {
    var stopJobs = Set<String>()
    for unit in submitted.reversed() {
      if let job = try manager.stopUnit(unit) { stopJobs.insert(job) }
    }
    _ = try manager.waitForJobs(stopJobs, timeout: stopTimeout(for: order), progress: { _ in })
    var final = results
    for process in order where final[process] == nil || submitted.contains(names.service(process)) {
      let result = ProcessStartResult(
        process: process, unit: names.service(process), outcome: .canceled("start interrupted; stopped again"))
      final[process] = result
      progress(.finished(result))
    }
    return StartReport(results: order.compactMap { final[$0] })
  }

  /// Submits `processes` (in start order) and waits for their start jobs.
  func startRound(
    _ processes: [String], results: inout [String: ProcessStartResult], submitted: inout [String],
    deadline: Double, isCancelled: () -> Bool, progress: (StartEvent) -> Void
  ) throws(SystemdError) {
    var jobs: [String: String] = [:]  // job path -> process
    // One listing says which units are loaded at all; on a cold start none is, and each unit
    // goes straight to StartTransientUnit instead of first asking for its state one by one.
    // Sockets first (`listen`): a service gets only the fds of a socket already listening.
    let socketFailures = try startSockets(processes, submitted: &submitted, deadline: deadline)
    let loaded = try manager.listedStates(processes.map(names.service) + names.helpers)
    for process in processes {
      let unit = names.service(process)
      guard let definition = compiled.unit(named: unit) else { continue }
      if let reason = socketFailures[process] {
        results[process] = ProcessStartResult(process: process, unit: unit, outcome: .failed(reason))
        progress(.finished(results[process]!))
        continue
      }
      if loaded[unit] != nil, let state = try manager.unitState(unit), state.activeState == .active || state.activeState == .reloading {
        // Already up: leave it, but say when its definition is stale.
        let outcome: ProcessStartResult.Outcome =
          definitionDiffers(state, definition).map { .restartNeeded($0) } ?? .alreadyRunning
        results[process] = ProcessStartResult(process: process, unit: unit, outcome: outcome)
        progress(.finished(results[process]!))
        continue
      }
      // An activating unit gets StartUnit too: systemd merges it into the start job
      // already queued, so this start waits for the probe instead of calling it up.
      let job: String
      do {
        job = try submit(definition, loaded: loaded[unit] != nil)
      } catch where error.isNoSuchUnit {
        // A dependency whose start already failed is unloaded again (transient units are
        // garbage-collected once inactive), so systemd cannot even queue this start.
        let dependencies = pool.processes[process]!.dependsOn.sorted().joined(separator: ", ")
        results[process] = ProcessStartResult(
          process: process, unit: unit, outcome: .dependencyFailed("not started: dependency \(dependencies) did not start"))
        progress(.finished(results[process]!))
        continue
      }
      jobs[job] = process
      submitted.append(unit)
      progress(.submitted(process: process, unit: unit))
    }
    submitted += try ensureHelperUnits(loaded: loaded)
    var reported = Set<String>()
    _ = try manager.waitForJobs(
      Set(jobs.keys), timeout: max(1, deadline - MonotonicClock.now()),
      progress: { completion in
        guard let process = jobs[completion.job] else { return }
        let result = self.explain(process: process, jobResult: completion.result)
        results[process] = result
        reported.insert(process)
        progress(.finished(result))
      }, isCancelled: isCancelled)
    // A job that never reported within the timeout is still described from the unit's state.
    for process in processes where jobs.values.contains(process) && !reported.contains(process) {
      let result = explain(process: process, jobResult: .timeout)
      results[process] = result
      progress(.finished(result))
    }
  }

  /// Follows processes whose start failed while systemd restarts them, until each is up,
  /// has given up (start limit), or `deadline` passes; reports each change.
  func followRestarts(
    _ order: [String], results: inout [String: ProcessStartResult], deadline: Double,
    isCancelled: () -> Bool, progress: (StartEvent) -> Void
  ) throws(SystemdError) {
    var following = order.filter { process in
      if case .restarting? = results[process]?.outcome { return true }
      return false
    }
    while !following.isEmpty {
      if isCancelled() { throw SystemdError(message: "interrupted", errno: ECANCELED) }
      for process in following {
        let unit = names.service(process)
        let state = try manager.unitState(unit)
        let result: ProcessStartResult
        if let state, state.isActive {
          result = ProcessStartResult(process: process, unit: unit, outcome: .started)
        } else if let state, state.activeState == .activating || state.activeState == .deactivating {
          continue
        } else {
          // Failed for good (start limit, or a result the policy does not restart) or gone.
          let reason = failureReason(process, jobResult: .failed, state: state)
          result = ProcessStartResult(process: process, unit: unit, outcome: .failed(reason))
        }
        results[process] = result
        progress(.finished(result))
        following.removeAll { $0 == process }
      }
      if following.isEmpty || MonotonicClock.now() >= deadline { break }
      // Restarts come restart_delay apart; 50 ms polling notices each within a blink.
      MonotonicClock.sleep(0.05)
    }
  }

  /// Processes whose start failed only because a dependency was not up yet, now that every
  /// dependency of theirs is active (it came up after systemd restarted it).
  func heldBackByRecoveredDependencies(_ order: [String], results: [String: ProcessStartResult]) throws(SystemdError) -> [String] {
    var ready: [String] = []
    for process in order {
      guard case .dependencyFailed? = results[process]?.outcome else { continue }
      // A dependency submitted again in this same round is started before its dependents.
      let gate = gate(for: process)
      let waiting = DependencyGate(requirements: gate.requirements.filter { requirement in
        !ready.contains { names.service($0) == requirement.unit }
      })
      if try waiting.verdict(manager.unitStates(waiting.requirements.map(\.unit))) == .open { ready.append(process) }
    }
    return ready
  }

  /// Creates the unit when it is not loaded; starts it again when a stopped copy is still loaded.
  ///
  /// `loaded` false (from a listing just taken) skips asking: if the unit appeared since,
  /// creating it fails with "unit exists" and it is started instead.
  func submit(_ definition: UnitDefinition, loaded: Bool = true) throws(SystemdError) -> String {
    if usesInstalledUnits {
      // The manager has the unit from its file: start that one (after clearing a failure).
      if let state = try manager.unitState(definition.name), state.activeState == .failed {
        try manager.resetFailedUnit(definition.name)
      }
      return try manager.startUnit(definition.name)
    }
    if loaded, let state = try manager.unitState(definition.name) {
      // A failed or stopped transient unit stays loaded while something references
      // it (the target's Wants=); reset it and start the loaded definition.
      if state.activeState == .failed { try manager.resetFailedUnit(definition.name) }
      if try manager.unitState(definition.name) != nil {
        return try manager.startUnit(definition.name)
      }
    }
    do {
      return try manager.startTransientUnit(transientUnits[definition.name]!)
    } catch let error where error.isUnitExists {
      return try manager.startUnit(definition.name)
    }
  }

  /// Creates a unit unless one of that name exists already.
  func submitIgnoringExisting(_ definition: UnitDefinition) throws(SystemdError) {
    do {
      _ = try manager.startTransientUnit(transientUnits[definition.name]!)
    } catch let error where error.isUnitExists {
      return
    }
  }

  /// How long the whole start may take: the longest chain of start timeouts, plus a margin.
  func startTimeout(for order: [String]) -> Double {
    var finish: [String: Double] = [:]
    for process in order {
      let spec = pool.processes[process]!
      let own = StartBudget.seconds(spec, poolSize: pool.processes.count)
      finish[process] = own + (spec.dependsOn.compactMap { finish[$0] }.max() ?? 0)
    }
    return (finish.values.max() ?? 10) + 10
  }

  /// Why a running unit's definition differs from the compiled one, or `nil` when it matches.
  func definitionDiffers(_ state: UnitState, _ definition: UnitDefinition) -> String? {
    let compiledExec = definition.values(of: "ExecStart").compactMap { value -> ExecCommandState? in
      guard case .exec(let command) = value else { return nil }
      // The manager reports argv as it received it over the bus, `$` doubled.
      return ExecCommandState(path: command.path, argv: command.argv.map(TransientUnitBuilder.doublingDollars))
    }
    if !state.execStart.isEmpty && state.execStart != compiledExec { return "command changed" }
    let compiledEnvironment = definition.values(of: "Environment").compactMap { value -> String? in
      guard case .environment(let name, let value) = value else { return nil }
      return name + "=" + value
    }
    if state.environment != compiledEnvironment { return "environment changed" }
    if case .string(let folder)? = definition.values(of: "WorkingDirectory").first,
      !state.workingDirectory.isEmpty, state.workingDirectory != folder
    {
      return "working directory changed"
    }
    return nil
  }

  /// Turns a finished start job into what the user needs to know.
  func explain(process: String, jobResult: JobResult) -> ProcessStartResult {
    let unit = names.service(process)
    var state = (try? manager.unitState(unit)) ?? nil
    if state == nil { state = (try? manager.lastAnnouncedState(unit)) ?? nil }
    let spec = pool.processes[process]!
    func result(_ outcome: ProcessStartResult.Outcome) -> ProcessStartResult {
      ProcessStartResult(process: process, unit: unit, outcome: outcome)
    }
    if jobResult == .done {
      if let state, state.isActive { return result(.started) }
      // Its gate (ExecCondition=) found a dependency down: systemd skipped the start without a failure.
      let gate = gate(for: process)
      if !spec.dependencies.isEmpty, let states = try? manager.unitStates(gate.requirements.map(\.unit)) {
        let unmet = gate.unmet(states).compactMap { names.process(ofUnit: $0.unit) }
        if !unmet.isEmpty {
          return result(.dependencyFailed("not started: dependency \(unmet.joined(separator: ", ")) did not start"))
        }
      }
      if spec.restartPolicy == .no, state == nil || state?.result == .success { return result(.finished) }
    }
    if jobResult == .dependency {
      let failed = spec.dependsOn.sorted().filter { dependency in
        let state = (try? manager.unitState(names.service(dependency))) ?? nil
        return state?.isActive != true
      }
      let which = failed.isEmpty ? spec.dependsOn.sorted() : failed
      return result(.dependencyFailed("not started: dependency \(which.joined(separator: ", ")) did not start"))
    }
    let reason = failureReason(process, jobResult: jobResult, state: state)
    if let state, state.activeState == .activating, state.subState == .autoRestart {
      return result(.restarting("\(reason); systemd is restarting it (restart \(state.restarts + 1), policy \(spec.restartPolicy.rawValue))"))
    }
    return result(.failed(reason))
  }

  /// Why a process's start failed, with the health probe's last words when it has a probe.
  func failureReason(_ process: String, jobResult: JobResult, state: UnitState?) -> String {
    let spec = pool.processes[process]!
    var reason = FailureExplanation.describe(jobResult: jobResult, state: state, spec: spec)
    if let state, state.execMainCode == 1, state.execMainStatus == ExecFailure.exitStatus, let why = execFailure(process, state: state) {
      reason += ": " + why
    }
    if spec.healthCheck != nil, let line = lastProbeLine(process), line.hasPrefix("unhealthy: ") {
      reason += "; probe said: " + line.dropFirst("unhealthy: ".count)
    }
    return reason
  }

  /// Why the kernel refused the process's command: the manager's own line where its journal is
  /// read, else cgipool's diagnosis of the command on this machine; `nil` for a remote manager.
  func execFailure(_ process: String, state: UnitState) -> String? {
    if let journal {
      let entries = (try? journal.processTail(service: names.service(process), healthUnit: names.health, process: process, count: 50)) ?? []
      return ExecFailure.managerLine(in: entries.map(\.message)).map { "the manager said: " + $0 }
    }
    guard logDirectory != nil, let command = state.execStart.first else { return nil }
    // The manager reports argv with `$` doubled, as it received it over the bus.
    let argv = command.argv.map(TransientUnitBuilder.undoublingDollars)
    return ExecFailure.diagnose(path: command.path, argv: argv, environment: pool.processes[process]!.env)
  }
}
