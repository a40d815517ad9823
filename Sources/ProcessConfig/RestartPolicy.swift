/// The config's `restart_policy`.
public enum RestartPolicy: String, Sendable, Equatable, CaseIterable {
  /// Restart whenever the process ends, and when its liveness check fails.
  case always
  /// Restart only when the process ends unexpectedly (non-zero exit, signal, timeout).
  case onFailure = "on-failure"
  /// Never restart; the unit is removed once it ends.
  case no
}
