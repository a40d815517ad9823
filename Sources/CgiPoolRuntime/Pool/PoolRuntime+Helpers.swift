import ProcessConfig
import UnitCompiler

extension PoolRuntime {
  /// What the pool's helper units (health, log cap) need to match the config: each one the
  /// config compiles but the manager does not run (`add`), runs with another definition
  /// (`change`: their whole configuration is in their command line, so a changed health check
  /// or `log_max_bytes` shows there), or runs though the config no longer has it (`remove`).
  public func helperPlan() throws(SystemdError) -> [PoolPlan.HelperChange] {
    var changes: [PoolPlan.HelperChange] = []
    for name in names.helpers {
      let compiledHelper = compiled.unit(named: name)
      let state = try manager.unitState(name)
      let running = state.map { $0.activeState == .active || $0.activeState == .activating || $0.activeState == .reloading } ?? false
      switch (compiledHelper, running) {
      case (let definition?, true):
        if let reason = definitionDiffers(state!, definition) {
          changes.append(PoolPlan.HelperChange(unit: name, action: .change, reason: reason))
        }
      case (.some, false):
        changes.append(PoolPlan.HelperChange(unit: name, action: .add, reason: "not running"))
      case (nil, true):
        changes.append(PoolPlan.HelperChange(unit: name, action: .remove, reason: "the config no longer needs it"))
      case (nil, false):
        break
      }
    }
    return changes
  }

  /// Creates each helper unit of the pool (health, log cap) when missing, starts it when
  /// stopped, and replaces a running one whose definition the config changed (a transient one:
  /// installed units change with `cgipool install`); the units it submitted a job for.
  ///
  /// Their start jobs are not waited for: the health unit checks only processes whose units are
  /// active, and the log cap only files that exist, so either may come up before, beside or
  /// after the processes. `loaded` is a listing taken before this round.
  func ensureHelperUnits(loaded: [String: UnitState]) throws(SystemdError) -> [String] {
    var submitted: [String] = []
    for name in names.helpers {
      guard let helper = compiled.unit(named: name) else { continue }
      let listed = loaded[helper.name]
      if let listed, listed.activeState == .active || listed.activeState == .activating || listed.activeState == .reloading {
        guard !usesInstalledUnits, let state = try manager.unitState(name), definitionDiffers(state, helper) != nil else { continue }
        try replaceHelper(helper)
        submitted.append(name)
        continue
      }
      _ = try submit(helper, loaded: listed != nil)
      submitted.append(name)
    }
    return submitted
  }

  /// Brings the helpers to `changes` (from `helperPlan`): stops removed ones, replaces changed
  /// ones and starts added ones.
  func applyHelpers(_ changes: [PoolPlan.HelperChange]) throws(SystemdError) {
    guard !changes.isEmpty else { return }
    try manager.watchJobs()
    for change in changes {
      switch change.action {
      case .remove:
        if let job = try manager.stopUnit(change.unit) { _ = try manager.waitForJobs([job], timeout: 30, progress: { _ in }) }
        try? manager.resetFailedUnit(change.unit)
      case .change:
        if let helper = compiled.unit(named: change.unit) { try replaceHelper(helper) }
      case .add, .unchanged:
        if let helper = compiled.unit(named: change.unit) {
          _ = try submit(helper, loaded: try manager.unitState(change.unit) != nil)
        }
      }
    }
  }

  /// Stops `helper`, waits until the manager has unloaded its old definition, and starts it
  /// from the compiled one. A helper holds no state a restart loses: the health unit begins
  /// counting failures again, the log cap looks at the files again.
  private func replaceHelper(_ helper: UnitDefinition) throws(SystemdError) {
    try manager.watchJobs()
    if let job = try manager.stopUnit(helper.name) { _ = try manager.waitForJobs([job], timeout: 30, progress: { _ in }) }
    try? manager.resetFailedUnit(helper.name)
    _ = try submit(helper, loaded: false)
  }
}
