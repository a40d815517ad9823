/// What a pool's own helper services (the liveness checker, the log cap) share.
enum HelperUnit {
  /// The `[Unit]` section of a helper: stopped and restarted with the pool's target, and under
  /// the pool's start limit, so a helper that keeps failing gives up as a pool process does.
  static func unitSection(description: String, names: UnitNames) -> UnitSection {
    UnitSection(
      "Unit",
      [
        UnitSetting("Description", .string(description)),
        UnitSetting("PartOf", .unitNames([names.target])),
        UnitSetting(
          "StartLimitIntervalSec", .microseconds(Seconds.microseconds(StartLimit.interval)),
          busProperty: "StartLimitIntervalUSec"),
        UnitSetting("StartLimitBurst", .count(StartLimit.burst)),
      ])
  }
}
