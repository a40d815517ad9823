import UnitCompiler

/// Which processes run in given units of the pool, read from `/proc/PID/cgroup` of every process
/// on the host: the "nothing left" check after a stop, independent of any manager's word.
public enum PoolCensus {
  /// The live processes whose cgroup places them in one of `units`, by unit. With `cgroupRoot`
  /// (`/cgipool-<pool>`, a private manager's cgroup), only processes below that root count, so
  /// another manager's pool of the same name is not mistaken for this one.
  public static func processes(pool: String, units: Set<String>, cgroupRoot: String? = nil) -> [String: [Int32]] {
    guard let reader = try? ProcFS.Reader(), let pids = try? reader.pids() else { return [:] }
    let membership = PoolMembership(poolName: pool)
    var found: [String: [Int32]] = [:]
    for pid in pids where pid != ProcFS.currentPID {
      guard let text = reader.readText(pid, "cgroup") else { continue }
      var paths = text.split(separator: "\n").compactMap { line -> String? in
        let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        return fields.count == 3 ? String(fields[2]) : nil
      }
      if let cgroupRoot { paths = paths.filter { $0.hasPrefix(cgroupRoot + "/") } }
      guard let unit = membership.unit(cgroupPaths: paths), units.contains(unit) else { continue }
      guard let count = reader.read(pid, "stat"), let stat = ProcStat(reader.buffer[0..<count]), !stat.hasExited else { continue }
      found[unit, default: []].append(pid)
    }
    return found.mapValues { $0.sorted() }
  }

  /// Every unit a process of the pool can run in: the processes' services, and the pool's helper
  /// units (the health unit's command checks run in its cgroup).
  public static func units(of processes: [String], names: UnitNames) -> Set<String> {
    Set(processes.map(names.service) + names.helpers)
  }
}
