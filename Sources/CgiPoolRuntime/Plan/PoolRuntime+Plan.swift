import Foundation
import ProcessConfig
import UnitCompiler

#if canImport(Glibc)
  import Glibc
#endif

extension PoolRuntime {
  /// Modification times in µs since the epoch, by path, of the files it could read: on this
  /// machine (`localModificationTimes`), or on the machine the manager runs on (`plan --host`).
  public typealias ModificationTimes = (_ paths: [String]) throws(SystemdError) -> [String: UInt64]

  /// What `apply` would do: the compiled pool against the pool's services the manager has loaded
  /// (transient or from unit files), and the env files edited since their process started, as
  /// `modificationTimes` reads them (where the processes run: asked once, for every file).
  public func plan(modificationTimes: ModificationTimes = PoolRuntime.localModificationTimes) throws(SystemdError) -> PoolPlan {
    var loaded: [String: UnitState] = [:]
    for unit in try manager.listUnits(patterns: ["\(names.pool)-*.service"]) where names.process(ofUnit: unit) != nil {
      if let state = try manager.unitState(unit) { loaded[unit] = state }
    }
    // Each process's socket, whose addresses `plan` compares with `listen`.
    for unit in try manager.listUnits(patterns: ["\(names.pool)-*.socket"]) {
      if let state = try manager.unitState(unit) { loaded[unit] = state }
    }
    // Each running process's env files, with when its main process started.
    var watched: [(process: String, started: UInt64, paths: [String])] = []
    for (process, spec) in pool.processes.sorted(by: { $0.key < $1.key }) {
      guard let state = loaded[names.service(process)], state.mainStartRealtime > 0, !spec.envFiles.isEmpty else { continue }
      watched.append((process, state.mainStartRealtime, spec.envFiles.map { $0.resolvedPath(base: pool.baseDirectory) }))
    }
    let paths = Set(watched.flatMap(\.paths)).sorted()
    let times = paths.isEmpty ? [:] : try modificationTimes(paths)
    var edited: [String: [String]] = [:]
    for entry in watched {
      for path in entry.paths {
        guard let modified = times[path], modified > entry.started else { continue }
        edited[entry.process, default: []].append(path)
      }
    }
    var plan = PlanDiff.plan(pool: pool, compiled: compiled, loaded: loaded, editedEnvFiles: edited)
    // With no process running, apply starts the pool and its helpers with it.
    if !loaded.isEmpty { plan.helpers = try helperPlan() }
    return plan
  }

  /// `ModificationTimes` on this machine: `stat(2)` (links followed), truncated to µs as GNU
  /// `stat`'s `%.6Y` prints them for another machine.
  public static func localModificationTimes(_ paths: [String]) -> [String: UInt64] {
    var times: [String: UInt64] = [:]
    for path in paths {
      var info = stat()
      guard stat(path, &info) == 0, info.st_mtim.tv_sec >= 0 else { continue }
      times[path] = UInt64(info.st_mtim.tv_sec) * 1_000_000 + UInt64(info.st_mtim.tv_nsec / 1000)
    }
    return times
  }
}
