import ProcessConfig

extension UnitState {
  /// Results systemd restarts a unit for under `Restart=on-failure` (and `always`).
  static let restartableResults: Set<ServiceResult> = [.exitCode, .signal, .coreDump, .watchdog]

  /// Whether systemd gave up restarting the unit because it hit its start limit.
  ///
  /// Newer managers say so in `Result` (`start-limit-hit`). systemd 252 keeps the
  /// result of the last crash instead, so a unit that is `failed` with a result its
  /// `policy` would have restarted is one systemd refused to start again. A stop that
  /// needed SIGKILL ends `failed` with result `timeout`, which is excluded.
  public func hitStartLimit(policy: RestartPolicy) -> Bool {
    if result == .startLimitHit { return true }
    // Without a single automatic restart the start limit cannot have been reached by restarts
    // (a failure after a stop, say): only systemd's own start-limit-hit result says so then.
    guard activeState == .failed, policy != .no, restarts > 0 else { return false }
    return Self.restartableResults.contains(result)
  }
}
