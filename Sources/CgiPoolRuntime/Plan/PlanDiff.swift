import ProcessConfig
import UnitCompiler

/// Compares the compiled pool with what the manager has loaded: the pure core of `plan`, testable
/// without a manager.
public enum PlanDiff {
  /// The plan for `pool` (compiled as `compiled`), given the pool's services the manager has
  /// loaded by unit name (`loaded`) and, per process, the env files edited since it started.
  public static func plan(
    pool: PoolConfig, compiled: CompiledPool, loaded: [String: UnitState], editedEnvFiles: [String: [String]] = [:]
  ) -> PoolPlan {
    let names = UnitNames(pool: pool.name)
    // The pool's process services: the manager adds requirements of its own (the slice).
    let poolUnits = Set(loaded.keys).union(compiled.units.map(\.name)).filter { names.process(ofUnit: $0) != nil }
    var entries: [String: PoolPlan.Entry] = [:]
    for process in pool.processes.keys {
      let unit = names.service(process)
      guard let definition = compiled.unit(named: unit) else { continue }
      var entry = PoolPlan.Entry(process: process, unit: unit, action: .unchanged, settings: [], editedEnvFiles: [], follows: [])
      let state = loaded[unit]
      if let state, state.activeState == .active || state.activeState == .activating || state.activeState == .reloading {
        let old = UnitSettings(loaded: state, poolUnits: poolUnits)
        let new = UnitSettings(compiled: definition)
        for key in UnitSettings.keys where (old.values[key] ?? []) != (new.values[key] ?? []) {
          // A unit the manager reports no command for is not comparable (the key did not load).
          if key == "ExecStart" && (old.values[key] ?? []).isEmpty { continue }
          entry.settings.append(PoolPlan.SettingChange(key: key, old: old.values[key] ?? [], new: new.values[key] ?? []))
        }
        entry.editedEnvFiles = editedEnvFiles[process] ?? []
        if !entry.settings.isEmpty || !entry.editedEnvFiles.isEmpty { entry.action = .change }
      } else if pool.processes[process]!.restartPolicy == .no && state == nil && !loaded.isEmpty {
        // A run-once process that finished is unloaded: as it should be while the pool runs.
        entry.action = .unchanged
      } else {
        entry.action = .add
      }
      entries[process] = entry
    }
    // Dependents of changed processes go down and up with them.
    let changed = Set(entries.values.filter { $0.action == .change }.map(\.process))
    for process in pool.topologicalOrder() where entries[process]?.action == .unchanged {
      let spec = pool.processes[process]!
      var follows = Set(spec.dependsOn.filter(changed.contains))
      for dependency in spec.dependsOn where !(entries[dependency]?.follows.isEmpty ?? true) {
        follows.insert(dependency)
      }
      if !follows.isEmpty, loaded[names.service(process)] != nil { entries[process]?.follows = follows.sorted() }
    }
    for (unit, _) in loaded {
      guard let process = names.process(ofUnit: unit), pool.processes[process] == nil, unit == names.service(process) else { continue }
      entries[process] = PoolPlan.Entry(process: process, unit: unit, action: .remove, settings: [], editedEnvFiles: [], follows: [])
    }
    return PoolPlan(entries: entries.values.sorted { $0.process < $1.process })
  }
}
