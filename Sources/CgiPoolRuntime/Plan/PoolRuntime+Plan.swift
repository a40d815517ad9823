import Foundation
import ProcessConfig
import UnitCompiler

extension PoolRuntime {
  /// What `apply` would do: the compiled pool against the pool's services the manager has loaded
  /// (transient or from unit files), and the env files edited since their process started.
  public func plan() throws(SystemdError) -> PoolPlan {
    var loaded: [String: UnitState] = [:]
    for unit in try manager.listUnits(patterns: ["\(names.pool)-*.service"]) where names.process(ofUnit: unit) != nil {
      if let state = try manager.unitState(unit) { loaded[unit] = state }
    }
    var edited: [String: [String]] = [:]
    for (process, spec) in pool.processes {
      guard let state = loaded[names.service(process)], state.mainStartRealtime > 0 else { continue }
      for file in spec.envFiles {
        let path = file.resolvedPath(base: pool.baseDirectory)
        guard let modified = Self.modificationMicroseconds(path), modified > state.mainStartRealtime else { continue }
        edited[process, default: []].append(path)
      }
    }
    return PlanDiff.plan(pool: pool, compiled: compiled, loaded: loaded, editedEnvFiles: edited)
  }

  /// Carries out `plan`: stops removed processes, restarts changed ones with the dependents that
  /// follow them, starts added ones. Unchanged processes are not touched (their PIDs stay).
  public func apply(
    _ plan: PoolPlan, stopped: (StopReport) -> Void, progress: (StartEvent) -> Void
  ) throws(SystemdError) -> StartReport? {
    let removed = plan.entries.filter { $0.action == .remove }.map(\.unit)
    if !removed.isEmpty {
      try manager.watchJobs()
      var jobs: Set<String> = []
      for unit in removed {
        if let job = try manager.stopUnit(unit) { jobs.insert(job) }
      }
      _ = try manager.waitForJobs(jobs, timeout: 60, progress: { _ in })
      for unit in removed { try? manager.resetFailedUnit(unit) }
    }
    let changed = plan.entries.filter { $0.action == .change }.map(\.process)
    if !changed.isEmpty {
      // Stopping a changed process stops its dependents too; the transient units are then
      // unloaded, and the start below creates them from the current config.
      stopped(try stop(changed))
    }
    let toStart = plan.restarts + plan.entries.filter { $0.action == .add }.map(\.process)
    guard !toStart.isEmpty else { return nil }
    return try start(pool.topologicalOrder().filter(toStart.contains), progress: progress)
  }

  /// The file's modification time in µs since the epoch, nil when it cannot be read.
  static func modificationMicroseconds(_ path: String) -> UInt64? {
    guard let date = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date else { return nil }
    return UInt64(max(0, date.timeIntervalSince1970 * 1_000_000))
  }
}
