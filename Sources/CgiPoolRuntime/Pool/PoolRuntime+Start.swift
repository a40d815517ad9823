import ProcessConfig
import UnitCompiler

extension PoolRuntime {
  /// Starts `requested` processes (all when empty) and everything they depend on.
  ///
  /// Every unit is submitted at once, dependencies first, so systemd starts
  /// independent branches in parallel while `After=` holds each dependent back
  /// until its dependencies' health probes pass. Returns when every job is done.
  public func start(_ requested: [String] = [], progress: (StartEvent) -> Void = { _ in }) throws(SystemdError) -> StartReport {
    let order = withDependencies(requested)
    try manager.watchJobs()
    var jobs: [String: String] = [:]  // job path -> process
    var early: [String: ProcessStartResult] = [:]

    if try manager.unitState(names.slice) == nil, let slice = compiled.unit(named: names.slice) {
      try submitIgnoringExisting(slice)
    }
    for process in order {
      let unit = names.service(process)
      guard let definition = compiled.unit(named: unit) else { continue }
      if let state = try manager.unitState(unit), state.activeState == "active" || state.activeState == "activating" || state.activeState == "reloading" {
        // Already up (or on its way): leave it, but say when its definition is stale.
        let outcome: ProcessStartResult.Outcome =
          definitionDiffers(state, definition).map { .restartNeeded($0) } ?? .alreadyRunning
        early[process] = ProcessStartResult(process: process, unit: unit, outcome: outcome)
        progress(.finished(early[process]!))
        continue
      }
      jobs[try submit(definition)] = process
      progress(.submitted(process: process, unit: unit))
      for auxiliary in [names.livenessService(process), names.livenessTimer(process)] {
        if let aux = compiled.unit(named: auxiliary) { _ = try submit(aux) }
      }
    }
    var results = early
    let timeout = startTimeout(for: order)
    _ = try manager.waitForJobs(Set(jobs.keys), timeout: timeout) { completion in
      guard let process = jobs[completion.job] else { return }
      let result = self.explain(process: process, jobResult: completion.result)
      results[process] = result
      progress(.finished(result))
    }
    // A job that never reported within the timeout is still described from the unit's state.
    for (_, process) in jobs where results[process] == nil {
      let result = explain(process: process, jobResult: "timeout")
      results[process] = result
      progress(.finished(result))
    }
    return StartReport(results: order.compactMap { results[$0] })
  }

  /// Creates the unit when it is not loaded; starts it again when a stopped copy is still loaded.
  func submit(_ definition: UnitDefinition) throws(SystemdError) -> String {
    if let state = try manager.unitState(definition.name) {
      // A failed or stopped transient unit stays loaded while something references
      // it (the target's Wants=); reset it and start the loaded definition.
      if state.activeState == "failed" { try manager.resetFailedUnit(definition.name) }
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
      let own = spec.healthCheck.map { spec.startupDelay + $0.timeout + 5 } ?? 10
      finish[process] = own + (spec.dependsOn.compactMap { finish[$0] }.max() ?? 0)
    }
    return (finish.values.max() ?? 10) + 10
  }

  /// Why a running unit's definition differs from the compiled one, or `nil` when it matches.
  func definitionDiffers(_ state: UnitState, _ definition: UnitDefinition) -> String? {
    let compiledExec = definition.values(of: "ExecStart").compactMap { value -> ExecCommandState? in
      guard case .exec(let command) = value else { return nil }
      // The manager reports argv as it received it over the bus, `$` doubled.
      return ExecCommandState(path: command.path, argv: command.argv.map { $0.replacingOccurrences(of: "$", with: "$$") })
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
  func explain(process: String, jobResult: String) -> ProcessStartResult {
    let unit = names.service(process)
    let state = (try? manager.unitState(unit)) ?? nil
    let spec = pool.processes[process]!
    func result(_ outcome: ProcessStartResult.Outcome) -> ProcessStartResult {
      ProcessStartResult(process: process, unit: unit, outcome: outcome)
    }
    if jobResult == "done" {
      if let state, state.isActive { return result(.started) }
      if spec.restartPolicy == .no, state == nil || state?.result == "success" { return result(.finished) }
    }
    if jobResult == "dependency" {
      let failed = spec.dependsOn.sorted().filter { dependency in
        let state = (try? manager.unitState(names.service(dependency))) ?? nil
        return state?.isActive != true
      }
      let which = failed.isEmpty ? spec.dependsOn.sorted() : failed
      return result(.dependencyFailed("not started: dependency \(which.joined(separator: ", ")) did not start"))
    }
    var reason = FailureExplanation.describe(jobResult: jobResult, state: state, spec: spec)
    if spec.healthCheck != nil, let line = lastProbeLine(process), line.hasPrefix("unhealthy: ") {
      reason += "; probe said: " + line.dropFirst("unhealthy: ".count)
    }
    if let state, state.activeState == "activating", state.subState == "auto-restart" {
      return result(.restarting("\(reason); systemd is restarting it (restart \(state.restarts + 1), policy \(spec.restartPolicy.rawValue))"))
    }
    return result(.failed(reason))
  }
}
