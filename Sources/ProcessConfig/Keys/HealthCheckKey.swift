/// The keys of a process's `health_check`.
public enum HealthCheckKey: String, ConfigKey {
  /// `failure_threshold`: failed checks before a restart.
  case failureThreshold = "failure_threshold"
  /// `interval`: seconds between liveness checks.
  case interval
  /// `target`: what the check connects to or runs.
  case target
  /// `timeout`: seconds the readiness probe retries.
  case timeout
  /// `type`: port, http or command.
  case type

  /// The key described as data.
  public var info: ConfigKeyInfo {
    switch self {
    case .failureThreshold:
      ConfigKeyInfo(
        "Consecutive failed liveness checks before the process is restarted.", type: .integer,
        defaultValue: .number(Double(HealthCheck.defaultFailureThreshold)), numberRule: .failureThreshold)
    case .interval:
      ConfigKeyInfo(
        "Seconds between liveness checks while the process runs.", type: .number,
        defaultValue: .number(HealthCheck.defaultInterval), numberRule: .probeInterval)
    case .target:
      ConfigKeyInfo(
        "What to check: a port (8080, host:port, [::1]:8080), an http(s) URL or a shell command.", type: .string,
        isRequired: true)
    case .timeout:
      ConfigKeyInfo(
        "Seconds the readiness probe retries before the start fails.", type: .number,
        defaultValue: .number(HealthCheck.defaultTimeout), numberRule: .timeout)
    case .type:
      ConfigKeyInfo(
        "The kind of check.", type: .string, isRequired: true,
        allowedValues: HealthCheck.Kind.allCases.map(\.rawValue))
    }
  }
}
