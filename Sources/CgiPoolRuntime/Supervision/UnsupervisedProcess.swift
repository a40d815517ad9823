/// A process of the pool that no manager supervises any more: it runs in the cgroup of a
/// private manager that died (killed with SIGKILL, by the OOM killer, ...).
///
/// Nothing restarts it, nothing stops it and nothing reaps what it leaves behind until
/// cgipool ends it (`stop`, `cleanup`) or replaces it (`start`).
public struct UnsupervisedProcess: Sendable, Equatable, Comparable {
  /// Its PID.
  public var pid: Int32
  /// Its parent's PID (to tell the top of each process tree from its children).
  public var parentPID: Int32
  /// Its start time in clock ticks since boot (`/proc/PID/stat` field 22), so a reused PID
  /// is never mistaken for it.
  public var startTime: UInt64
  /// The unit whose cgroup holds it (`<pool>-web.service`), when its cgroup names one.
  public var unit: String?
  /// The pool's process that unit belongs to (`web`).
  public var process: String?
  /// Its command line, words joined by spaces.
  public var command: String

  /// Creates a record.
  public init(pid: Int32, parentPID: Int32, startTime: UInt64, unit: String?, process: String?, command: String) {
    self.pid = pid
    self.parentPID = parentPID
    self.startTime = startTime
    self.unit = unit
    self.process = process
    self.command = command
  }

  /// Ordered by process name (unknown last), then PID: stable output.
  public static func < (a: Self, b: Self) -> Bool {
    (a.process ?? "\u{10FFFF}", a.pid) < (b.process ?? "\u{10FFFF}", b.pid)
  }
}
