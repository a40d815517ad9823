/// The config's `health_check`: how cgipool decides a process is ready and alive.
public struct HealthCheck: Sendable, Equatable {
  /// Default seconds the probe keeps retrying before it gives up.
  public static let defaultTimeout: Double = 30
  /// Default seconds between liveness checks while the process runs.
  public static let defaultInterval: Double = 10
  /// Default number of consecutive failed liveness checks that trigger a restart.
  public static let defaultFailureThreshold = 3

  /// The kind of check.
  public enum Kind: String, Sendable, Equatable, CaseIterable {
    /// A TCP connect to `target` (`8080`, `host:port`, `[::1]:8080`).
    case port
    /// An HTTP GET of the URL `target`; 200 means healthy.
    case http
    /// A shell command (`/bin/sh -c target`) run in the process's cwd; exit 0 means healthy.
    case command
  }

  /// The kind of check.
  public var kind: Kind
  /// What to check: a port, a URL or a shell command, depending on `kind`.
  public var target: String
  /// Seconds the readiness probe retries before the start fails.
  public var timeout: Double
  /// Seconds between liveness checks while running.
  public var interval: Double
  /// Consecutive failed liveness checks before the process is restarted (`failure_threshold`).
  public var failureThreshold: Int

  /// Creates a health check.
  public init(
    kind: Kind,
    target: String,
    timeout: Double = HealthCheck.defaultTimeout,
    interval: Double = HealthCheck.defaultInterval,
    failureThreshold: Int = HealthCheck.defaultFailureThreshold
  ) {
    self.kind = kind
    self.target = target
    self.timeout = timeout
    self.interval = interval
    self.failureThreshold = failureThreshold
  }
}
