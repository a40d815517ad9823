/// The last liveness check of one process, as the health unit publishes it.
public struct HealthRecord: Sendable, Equatable {
  /// The process's name.
  public var process: String
  /// Whether the last check passed.
  public var healthy: Bool
  /// Consecutive failed checks so far (0 after a pass, and after the restart they caused).
  public var failures: Int
  /// When the last check ended, CLOCK_MONOTONIC in microseconds (systemd's `*Monotonic` clock).
  public var checkedMonotonic: UInt64
  /// What the check saw, one line.
  public var message: String

  /// Creates a record.
  public init(process: String, healthy: Bool, failures: Int, checkedMonotonic: UInt64, message: String) {
    self.process = process
    self.healthy = healthy
    self.failures = failures
    self.checkedMonotonic = checkedMonotonic
    self.message = message
  }
}
