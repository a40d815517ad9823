/// What a probe saw: the result and the one line it reports.
public struct ProbeOutcome: Sendable, Equatable {
  /// Whether the target was healthy.
  public var healthy: Bool
  /// One line: what was checked and what was seen, e.g. `port 127.0.0.1:8080: connection refused (41 attempts in 3.0s)`.
  public var message: String
  /// How many attempts were made.
  public var attempts: Int
  /// Seconds from the first attempt to the outcome.
  public var elapsed: Double

  /// Creates an outcome.
  public init(healthy: Bool, message: String, attempts: Int, elapsed: Double) {
    self.healthy = healthy
    self.message = message
    self.attempts = attempts
    self.elapsed = elapsed
  }
}
