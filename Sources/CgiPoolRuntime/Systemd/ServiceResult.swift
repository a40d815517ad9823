/// The `Result` property of a service (and of a scope, which uses the same words): how its
/// last run ended.
///
/// Open like `JobWaiter.Result`, so a result added by a newer manager is kept as sent.
public struct ServiceResult: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
  /// The string systemd sent.
  public var rawValue: String

  /// Wraps systemd's string.
  public init(rawValue: String) { self.rawValue = rawValue }

  /// The last run ended cleanly (and a start resets the result to this).
  public static let success = ServiceResult(rawValue: "success")
  /// The main process exited with a non-zero status.
  public static let exitCode = ServiceResult(rawValue: "exit-code")
  /// The main process was killed by a signal.
  public static let signal = ServiceResult(rawValue: "signal")
  /// The main process dumped core.
  public static let coreDump = ServiceResult(rawValue: "core-dump")
  /// The watchdog expired.
  public static let watchdog = ServiceResult(rawValue: "watchdog")
  /// A start or stop timed out (a stop that needed SIGKILL ends so).
  public static let timeout = ServiceResult(rawValue: "timeout")
  /// systemd refused to start it again: the start limit was hit.
  public static let startLimitHit = ServiceResult(rawValue: "start-limit-hit")
  /// systemd could not set up the run.
  public static let resources = ServiceResult(rawValue: "resources")
  /// The service broke the start-up protocol.
  public static let `protocol` = ServiceResult(rawValue: "protocol")
  /// The kernel's OOM killer ended it.
  public static let oomKill = ServiceResult(rawValue: "oom-kill")
  /// cgipool's own placeholder, never systemd's: no unit is loaded, so there is no result.
  public static let notLoaded = ServiceResult(rawValue: "-")

  /// The raw string, as status lines print it.
  public var description: String { rawValue }
}
