import ProcessConfig
import UnitCompiler

/// The instances a running pool has, which `cgipool scale` may have made differ from its config.
public enum LiveReplicas {
  /// `pool` with each replicated process at the count the running pool has: the count `scale`
  /// recorded (`ScaledReplicasFile`), else the config's, raised to the highest instance the
  /// manager has active, activating or failed. What status, stop, restart and scale act on, so
  /// a scaled pool's extra instances are seen and stopped too, and instances removed by a
  /// scale down (still loaded while a dependent names them) are not shown.
  public static func pool(
    _ pool: PoolConfig, manager: any SystemdManaging, recorded: [String: Int] = [:]
  ) throws(SystemdError) -> PoolConfig {
    let names = UnitNames(pool: pool.name)
    var counts = pool.replicaCounts
    var changed = false
    for (process, configured) in pool.replicaCounts.sorted(by: { $0.key < $1.key }) {
      let loaded = try manager.listUnits(patterns: [names.instancePattern(process)])
      let states = try manager.listedStates(loaded)
      let highest = states.values.filter { $0.activeState != .inactive }.compactMap { state in
        names.process(ofUnit: state.name).flatMap(PoolConfig.splitInstanceName).flatMap {
          $0.process == process ? $0.replica : nil
        }
      }.max()
      let count = max(recorded[process] ?? configured, highest ?? 0)
      if count != configured {
        counts[process] = count
        changed = true
      }
    }
    return changed ? pool.withReplicas(counts) : pool
  }
}
