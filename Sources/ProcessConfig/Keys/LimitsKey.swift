/// The keys of a process's `limits`.
public enum LimitsKey: String, ConfigKey {
  /// `cpu`: CPU time, `"50%"` of one core.
  case cpu
  /// `memory`: memory, `"256M"`.
  case memory
  /// `nofile`: open files per process.
  case nofile
  /// `tasks`: processes and threads.
  case tasks

  /// The schema's pattern for a string-valued key; the validator (`ConfigValidator.bytes`,
  /// `.percent`) also checks the ranges a pattern cannot say.
  public var pattern: String? {
    switch self {
    case .cpu: "^[0-9]{1,6}%$"
    case .memory: "^[0-9]{1,16}[KkMmGgTt]?$"
    case .nofile, .tasks: nil
    }
  }

  /// The key described as data.
  public var info: ConfigKeyInfo {
    switch self {
    case .cpu:
      ConfigKeyInfo("CPU time in percent of one core, \"50%\" (\"200%\" is two cores): CPUQuota=.", type: .string)
    case .memory:
      ConfigKeyInfo(
        "Memory of the process's cgroup: bytes, or a number with K, M, G or T (powers of 1024): MemoryMax=.",
        type: .string)
    case .nofile:
      ConfigKeyInfo("Open files per process: LimitNOFILE=.", type: .integer, numberRule: .openFiles)
    case .tasks:
      ConfigKeyInfo("Processes and threads of the cgroup: TasksMax=.", type: .integer, numberRule: .tasks)
    }
  }
}
