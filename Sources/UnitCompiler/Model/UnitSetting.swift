/// One `Key=value` line of a unit, with the D-Bus property it corresponds to.
public struct UnitSetting: Sendable, Equatable {
  /// The unit-file key, e.g. `TimeoutStopSec`.
  public var key: String
  /// The transient-unit property name, e.g. `TimeoutStopUSec`; `nil` when the setting
  /// has no meaning for a transient unit (such as `[Install] WantedBy=`).
  public var busProperty: String?
  /// The value.
  public var value: UnitValue

  /// Creates a setting; the D-Bus property defaults to the key itself.
  public init(_ key: String, _ value: UnitValue, busProperty: String? = nil, fileOnly: Bool = false) {
    self.key = key
    self.value = value
    self.busProperty = fileOnly ? nil : (busProperty ?? key)
  }
}
