/// Maps `restart_policy` and the limits that keep a crash loop from running forever.
enum RestartMapper {
  /// Window of the start-rate limit.
  static let startLimitInterval: Double = StartLimit.interval
  /// Starts allowed within the window; the next one leaves the unit failed.
  static let startLimitBurst: UInt32 = StartLimit.burst
  /// Backoff steps on managers that support `RestartSteps=`.
  static let restartSteps: UInt32 = 5
  /// The longest backoff delay on managers that support `RestartMaxDelaySec=`.
  static let restartMaxDelay: Double = 30
  /// The first manager version with `RestartSteps=` and `RestartMaxDelaySec=`.
  static let backoffMinimumVersion = 254

  static func map(_ context: MappingContext) -> MappedSettings {
    var mapped = MappedSettings()
    mapped.unit.append(
      UnitSetting(
        "StartLimitIntervalSec", .microseconds(Seconds.microseconds(startLimitInterval)),
        busProperty: "StartLimitIntervalUSec"))
    mapped.unit.append(UnitSetting("StartLimitBurst", .count(startLimitBurst)))
    switch context.process.restartPolicy {
    case .always:
      mapped.service.append(UnitSetting("Restart", .string("always")))
    case .onFailure:
      mapped.service.append(UnitSetting("Restart", .string("on-failure")))
    case .no:
      // The original system removed a finished "no" process from its registry; systemd
      // unloads a transient unit once it ends successfully. A failed run stays loaded
      // (CollectMode=inactive, the default) so `status` and `start` can say why it failed.
      mapped.service.append(UnitSetting("Restart", .string("no")))
    }
    if context.process.restartPolicy != .no {
      mapped.service.append(
        UnitSetting(
          "RestartSec", .microseconds(Seconds.microseconds(context.process.restartDelay)),
          busProperty: "RestartUSec"))
      if let version = context.options.managerVersion, version >= backoffMinimumVersion {
        mapped.service.append(UnitSetting("RestartSteps", .count(restartSteps)))
        mapped.service.append(
          UnitSetting(
            "RestartMaxDelaySec",
            .microseconds(Seconds.microseconds(max(restartMaxDelay, context.process.restartDelay))),
            busProperty: "RestartMaxDelayUSec"))
      }
    }
    return mapped
  }
}
