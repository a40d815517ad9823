/// One `Key=value` line of a unit, with the D-Bus property it corresponds to.
public struct UnitSetting: Sendable, Equatable {
  /// The unit-file key, e.g. `TimeoutStopSec`.
  public var key: String
  /// The transient-unit property name, e.g. `TimeoutStopUSec`; `nil` when the setting
  /// has no meaning for a transient unit (such as `[Install] WantedBy=`).
  public var busProperty: String?
  /// The value.
  public var value: UnitValue
  /// Whether a unit file carries the setting; `false` for a bus property that a file sets
  /// through another key's line (`LimitNOFILE=` sets both limits; the bus has `LimitNOFILESoft`).
  public var inFile = true

  /// Creates a setting whose D-Bus property has the key's name (`Restart`, `ExecStart`).
  public init(_ key: String, _ value: UnitValue) {
    self.key = key
    self.value = value
    self.busProperty = key
  }

  /// Creates a setting whose D-Bus property is named differently (`TimeoutStopSec` is `TimeoutStopUSec`).
  public init(_ key: String, _ value: UnitValue, busProperty: String) {
    self.key = key
    self.value = value
    self.busProperty = busProperty
  }

  /// A property only a transient unit carries: the file's `key=` line already covers it.
  public static func busOnly(_ key: String, _ value: UnitValue, busProperty: String) -> UnitSetting {
    var setting = UnitSetting(key, value, busProperty: busProperty)
    setting.inFile = false
    return setting
  }

  /// A setting only a unit file has (`[Install] WantedBy=`): no transient unit carries it.
  public static func fileOnly(_ key: String, _ value: UnitValue) -> UnitSetting {
    var setting = UnitSetting(key, value)
    setting.busProperty = nil
    return setting
  }
}
