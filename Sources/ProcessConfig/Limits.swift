/// The config's `limits`: resources systemd caps for one process's whole cgroup.
public struct Limits: Sendable, Equatable {
  /// Memory in bytes (`MemoryMax=`); the kernel's OOM killer ends the process beyond it.
  public var memoryBytes: UInt64?
  /// CPU time in percent of one core (`CPUQuota=`; 200 is two cores).
  public var cpuPercent: UInt64?
  /// Processes and threads (`TasksMax=`).
  public var tasks: UInt64?
  /// Open file descriptors per process (`LimitNOFILE=`, soft and hard).
  public var openFiles: UInt64?

  /// Creates limits; `nil` leaves a resource unlimited.
  public init(memoryBytes: UInt64? = nil, cpuPercent: UInt64? = nil, tasks: UInt64? = nil, openFiles: UInt64? = nil) {
    self.memoryBytes = memoryBytes
    self.cpuPercent = cpuPercent
    self.tasks = tasks
    self.openFiles = openFiles
  }

  /// Whether no limit is set.
  public var isEmpty: Bool { memoryBytes == nil && cpuPercent == nil && tasks == nil && openFiles == nil }
}
