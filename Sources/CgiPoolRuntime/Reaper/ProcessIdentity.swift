/// One process, named so that a reused PID is not mistaken for it.
public struct ProcessIdentity: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// The process ID.
  public var pid: Int32
  /// Its start time in clock ticks after boot (field 22 of `/proc/PID/stat`).
  public var startTime: UInt64

  /// Creates an identity.
  public init(pid: Int32, startTime: UInt64) {
    self.pid = pid
    self.startTime = startTime
  }

  /// Ordered by PID, then start time.
  public static func < (lhs: ProcessIdentity, rhs: ProcessIdentity) -> Bool {
    (lhs.pid, lhs.startTime) < (rhs.pid, rhs.startTime)
  }

  /// The PID.
  public var description: String { String(pid) }
}
