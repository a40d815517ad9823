import ProcessConfig

extension PoolRuntime {
  /// The instances of replicated `process` above `count` (the highest numbers), as this
  /// runtime's pool has them: what scaling down to `count` removes.
  public func instancesAbove(_ count: Int, of process: String) -> [String] {
    pool.instances(of: process).filter { (PoolConfig.splitInstanceName($0)?.replica ?? 0) > count }
  }

  /// Scales replicated `process` down to `count` instances: stops the ones above `count`
  /// gracefully (SIGTERM, SIGKILL after stop_timeout), their dependents left running, and
  /// checks that nothing of them is left in `/proc`.
  public func scaleDown(_ process: String, to count: Int) throws(SystemdError) -> StopReport {
    let removed = instancesAbove(count, of: process)
    guard !removed.isEmpty else { return StopReport(results: []) }
    return try stop(removed, dependents: false)
  }
}
