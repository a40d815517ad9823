/// Maps how a process stops: its `stop_signal` (SIGTERM by default) to the whole cgroup,
/// SIGKILL after `stop_timeout`.
enum StopMapper {
  static func map(_ context: MappingContext) -> MappedSettings {
    var mapped = MappedSettings()
    // control-group reaches double-forked grandchildren too, which is what left
    // orphans behind under the original supervisor.
    mapped.service.append(UnitSetting("KillMode", .string("control-group")))
    mapped.service.append(UnitSetting("KillSignal", .signal(context.process.stopSignal.number)))
    mapped.service.append(
      UnitSetting(
        "TimeoutStopSec", .microseconds(Seconds.microseconds(context.process.stopTimeout)),
        busProperty: "TimeoutStopUSec"))
    mapped.service.append(UnitSetting("SendSIGKILL", .bool(true)))
    return mapped
  }
}
