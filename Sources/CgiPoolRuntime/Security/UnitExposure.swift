/// How exposed one service is, as `systemd-analyze security` rates it (0 = nothing exposed, 10 = everything).
public struct UnitExposure: Sendable, Equatable {
  /// The unit name.
  public var unit: String
  /// The overall exposure level, 0.0 to 10.0.
  public var level: Double
  /// systemd's word for the level: `OK`, `MEDIUM`, `EXPOSED`, `UNSAFE`.
  public var rating: String

  /// Creates an exposure figure.
  public init(unit: String, level: Double, rating: String) {
    self.unit = unit
    self.level = level
    self.rating = rating
  }
}
