/// A `[Section]` of a unit: its name and its settings, in order.
public struct UnitSection: Sendable, Equatable {
  /// The section name without brackets, e.g. `Service`.
  public var name: String
  /// The settings in the order they are written.
  public var settings: [UnitSetting]

  /// Creates a section.
  public init(_ name: String, _ settings: [UnitSetting] = []) {
    self.name = name
    self.settings = settings
  }
}
