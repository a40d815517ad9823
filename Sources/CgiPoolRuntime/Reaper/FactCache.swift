/// Per-PID facts read lazily from `/proc`: cgroup membership, real UID, user names.
struct FactCache {
  let reader: ProcFS.Reader
  let membership: PoolMembership
  /// PIDs of a dead manager's cgroups: never members, whatever their cgroup says.
  let unsupervised: Set<Int32>
  private var members: [Int32: Bool?] = [:]
  private var uids: [Int32: UInt32?] = [:]
  private var names: [UInt32: String?] = [:]

  init(reader: ProcFS.Reader, membership: PoolMembership, unsupervised: Set<Int32> = []) {
    self.reader = reader
    self.membership = membership
    self.unsupervised = unsupervised
  }

  /// Whether the process is in one of the pool's units; `nil` when its cgroup file cannot be read (it is gone).
  ///
  /// A readable file without a unified or `name=systemd` line means no systemd
  /// tracks the process, so it cannot be in one of the pool's units.
  mutating func isPoolMember(_ pid: Int32) -> Bool? {
    if let known = members[pid] { return known }
    if unsupervised.contains(pid) { return reader.readText(pid, "cgroup") == nil ? nil : false }
    let value = reader.readText(pid, "cgroup").map { membership.contains(cgroupFile: $0) ?? false }
    members[pid] = value
    return value
  }

  /// The real UID from the `Uid:` line of `/proc/PID/status`; `nil` when unreadable.
  mutating func uid(_ pid: Int32) -> UInt32? {
    if let known = uids[pid] { return known }
    let value = reader.readText(pid, "status").flatMap(Self.realUID(status:))
    uids[pid] = value
    return value
  }

  /// The user name of `uid`, looked up once.
  mutating func userName(_ uid: UInt32) -> String? {
    if let known = names[uid] { return known }
    let value = ProcFS.userName(uid)
    names[uid] = value
    return value
  }

  /// The first number of the `Uid:` line (real, effective, saved, filesystem).
  static func realUID(status: String) -> UInt32? {
    for line in status.split(separator: "\n") where line.hasPrefix("Uid:") {
      return line.dropFirst(4).split(whereSeparator: { $0 == "\t" || $0 == " " }).first.flatMap { UInt32($0) }
    }
    return nil
  }
}
