import ProcessConfig

/// Maps `limits` to systemd's resource control settings on the process's cgroup.
///
/// Whether the manager can enforce them depends on the cgroup controllers it has: a user
/// manager on a cgroup v1 host has no memory, cpu or pids controller (see `LimitEnforcement`).
enum LimitsMapper {
  static func map(_ context: MappingContext) -> MappedSettings {
    var mapped = MappedSettings()
    let limits = context.process.limits
    if let bytes = limits.memoryBytes {
      mapped.service.append(UnitSetting("MemoryMax", .integer(bytes)))
    }
    if let percent = limits.cpuPercent {
      // CPUQuota=50% in a unit file is CPUQuotaPerSecUSec=500ms (per second of wall time) over D-Bus.
      mapped.service.append(UnitSetting("CPUQuota", .cpuQuota(percent: percent), busProperty: "CPUQuotaPerSecUSec"))
    }
    if let tasks = limits.tasks {
      mapped.service.append(UnitSetting("TasksMax", .integer(tasks)))
    }
    if let files = limits.openFiles {
      // One unit-file line sets soft and hard; over D-Bus they are two properties.
      mapped.service.append(UnitSetting("LimitNOFILE", .integer(files)))
      mapped.service.append(UnitSetting.busOnly("LimitNOFILE", .integer(files), busProperty: "LimitNOFILESoft"))
    }
    return mapped
  }
}
