import ProcessConfig

extension PoolRuntime {
  /// What `restart` did: the stop, then the start.
  public struct RestartReport: Sendable {
    /// The stop of the restarted processes.
    public var stop: StopReport
    /// Their start again.
    public var start: StartReport
  }

  /// Restarts `requested` (the whole pool when empty) with the current config.
  ///
  /// A named process restarts alone, with the processes that depend on it with
  /// `restart: true` (systemd's `PartOf=` stops them with it; they are started again after
  /// it is healthy). Other dependents keep running: `Wants=` propagates nothing.
  public func restart(
    _ requested: [String], stopped: (StopReport) -> Void = { _ in }, progress: (StartEvent) -> Void = { _ in }
  ) throws(SystemdError) -> RestartReport {
    guard !requested.isEmpty else {
      let stopReport = try stop()
      stopped(stopReport)
      return RestartReport(stop: stopReport, start: try start(progress: progress))
    }
    let affected = withRestartingDependents(requested)
    let stopReport = try stop(requested, dependents: false)
    stopped(stopReport)
    let started = try start(affected, progress: progress)
    // `start` reports the dependencies it checked too; the restart reports what it restarted.
    let results = started.results.filter { affected.contains($0.process) }
    return RestartReport(stop: stopReport, start: StartReport(results: results))
  }
}
