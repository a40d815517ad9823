import ProcessConfig

extension ProcessSpec {
  /// Whether the pool's health unit checks this process while it runs: `restart_policy: always`
  /// with a `health_check` (other policies use their check only to gate the start).
  public var hasLiveness: Bool {
    restartPolicy == .always && healthCheck != nil
  }
}
