import ProcessConfig

extension PoolRuntime {
  /// The `limits` of `requested` processes (all when empty) that their running units do not
  /// get, by process in start order.
  ///
  /// Reads each unit's `ControlGroup` and looks for the controller's files on this machine's
  /// cgroup file system, so it answers only for a local manager; a process that is not running
  /// has no cgroup to judge and is left out.
  public func unenforcedLimits(
    _ requested: [String] = [], enforcement: LimitEnforcement = LimitEnforcement()
  ) throws(SystemdError) -> [UnenforcedLimit] {
    let order = requested.isEmpty ? pool.topologicalOrder() : pool.topologicalOrder().filter(requested.contains)
    var found: [UnenforcedLimit] = []
    for process in order {
      guard let spec = pool.processes[process], !spec.limits.isEmpty else { continue }
      guard let state = try manager.unitState(names.service(process)), !state.controlGroup.isEmpty else { continue }
      found += enforcement.unenforced(spec.limits, controlGroup: state.controlGroup).map {
        UnenforcedLimit(process: process, key: $0.key, controller: $0.controller)
      }
    }
    return found
  }
}
