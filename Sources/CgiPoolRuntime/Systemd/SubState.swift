/// A unit's `SubState`: the unit type's own finer state.
///
/// Open: every unit type has its own set (a service has about 20), so only those cgipool acts on
/// are named; any other is kept as systemd sent it.
public struct SubState: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
  /// The string systemd sent.
  public var rawValue: String

  /// Wraps systemd's string.
  public init(rawValue: String) { self.rawValue = rawValue }

  /// Not running (the state of a unit that is not loaded, too).
  public static let dead = SubState(rawValue: "dead")
  /// A service's main process runs.
  public static let running = SubState(rawValue: "running")
  /// A `RemainAfterExit=` service whose process ended.
  public static let exited = SubState(rawValue: "exited")
  /// A service waiting out `RestartSec=` before its next run.
  public static let autoRestart = SubState(rawValue: "auto-restart")
  /// A service running its `ExecStartPost=` (cgipool's readiness probe).
  public static let startPost = SubState(rawValue: "start-post")
  /// A service that failed.
  public static let failed = SubState(rawValue: "failed")
  /// cgipool's own word, never systemd's: a `restart_policy: no` unit that ended and was removed.
  public static let gone = SubState(rawValue: "gone")

  /// The raw string, as status lines print it.
  public var description: String { rawValue }
}
