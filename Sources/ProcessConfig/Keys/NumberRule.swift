/// The bounds of a numeric config value.
public struct NumberRule: Sendable, Equatable {
  /// The smallest value accepted (or the bound above which values start, if exclusive).
  public var minimum: Double
  /// Whether `minimum` itself is refused.
  public var minimumIsExclusive = false
  /// The largest value accepted.
  public var maximum: Double
  /// Whether only whole numbers are accepted.
  public var integer = false
  /// The unit named in messages; `nil` for a plain count.
  public var unit: String? = "seconds"

  /// Creates a rule.
  public init(
    minimum: Double, minimumIsExclusive: Bool = false, maximum: Double, integer: Bool = false,
    unit: String? = "seconds"
  ) {
    self.minimum = minimum
    self.minimumIsExclusive = minimumIsExclusive
    self.maximum = maximum
    self.integer = integer
    self.unit = unit
  }

  /// Seconds from 0 to an hour.
  static let delay = NumberRule(minimum: 0, maximum: 3600)
  /// Seconds above 0, up to an hour.
  static let timeout = NumberRule(minimum: 0, minimumIsExclusive: true, maximum: 3600)
  /// Seconds between liveness checks: 1 to a day.
  static let probeInterval = NumberRule(minimum: 1, maximum: 86400)
  /// Any number: the fallback for a numeric key declared without a rule.
  static let unbounded = NumberRule(minimum: -.infinity, maximum: .infinity)
  /// A log file's size cap: 64 KiB to 1 TiB, in bytes.
  static let logSize = NumberRule(minimum: 65536, maximum: 1_099_511_627_776, integer: true, unit: "bytes")
  /// Processes and threads of one cgroup (`TasksMax=`): 1 to 4,194,304 (the kernel's pid_max limit).
  static let tasks = NumberRule(minimum: 1, maximum: 4_194_304, integer: true, unit: nil)
  /// Open files per process (`LimitNOFILE=`): 1 to 1,073,741,816 (the kernel's nr_open limit).
  static let openFiles = NumberRule(minimum: 1, maximum: 1_073_741_816, integer: true, unit: nil)
  /// Failed checks in a row: 1 to 100.
  static let failureThreshold = NumberRule(minimum: 1, maximum: 100, integer: true, unit: nil)
  /// Instances of one process: 1 to 1,000.
  static let replicas = NumberRule(minimum: 1, maximum: 1000, integer: true, unit: nil)
}
