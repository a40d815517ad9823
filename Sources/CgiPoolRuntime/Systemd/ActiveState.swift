/// A unit's `ActiveState`, the high-level state systemd reports for every unit type.
///
/// Open like `JobWaiter.Result`: a newer manager's state (`refreshing` came in systemd 256)
/// is kept as its raw string, not refused.
public struct ActiveState: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
  /// The string systemd sent.
  public var rawValue: String

  /// Wraps systemd's string.
  public init(rawValue: String) { self.rawValue = rawValue }

  /// Started and up.
  public static let active = ActiveState(rawValue: "active")
  /// Active, reloading its configuration.
  public static let reloading = ActiveState(rawValue: "reloading")
  /// Stopped (or never started).
  public static let inactive = ActiveState(rawValue: "inactive")
  /// Stopped after a failure; `ResetFailedUnit` clears it.
  public static let failed = ActiveState(rawValue: "failed")
  /// Starting (for a service also `auto-restart` between runs).
  public static let activating = ActiveState(rawValue: "activating")
  /// Stopping.
  public static let deactivating = ActiveState(rawValue: "deactivating")
  /// Being cleaned (`systemctl clean`).
  public static let maintenance = ActiveState(rawValue: "maintenance")
  /// Active, refreshing its mounts (systemd 256 and later).
  public static let refreshing = ActiveState(rawValue: "refreshing")

  /// The raw string, as status lines print it.
  public var description: String { rawValue }
}
