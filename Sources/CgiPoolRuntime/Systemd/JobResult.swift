import SystemdBus

/// How a job ended, as `JobRemoved` reports it; the runtime's side of `JobWaiter.Result`.
///
/// Open like `JobWaiter.Result`: `JobCompletion` carries it typed from the waiter to the
/// runtime's decisions, never as a bare string.
public struct JobResult: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
  /// The string systemd sent.
  public var rawValue: String

  /// Wraps systemd's string.
  public init(rawValue: String) { self.rawValue = rawValue }

  /// The job completed successfully.
  public static let done = JobResult(rawValue: "done")
  /// The job was canceled before it finished.
  public static let canceled = JobResult(rawValue: "canceled")
  /// The job timed out.
  public static let timeout = JobResult(rawValue: "timeout")
  /// The job failed.
  public static let failed = JobResult(rawValue: "failed")
  /// A required dependency failed.
  public static let dependency = JobResult(rawValue: "dependency")
  /// The job did not apply (e.g. a condition was not met).
  public static let skipped = JobResult(rawValue: "skipped")
  /// The job type does not apply to the unit.
  public static let invalid = JobResult(rawValue: "invalid")
  /// An assertion of the unit failed.
  public static let assert = JobResult(rawValue: "assert")

  /// The raw string, as status lines print it.
  public var description: String { rawValue }
}

extension JobResult {
  /// The result the job waiter decoded.
  init(_ result: JobWaiter.Result) {
    self.init(rawValue: result.rawValue)
  }
}
