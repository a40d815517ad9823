import Foundation
import ProcessConfig
import UnitCompiler

/// A private manager that no longer runs, and the pool's processes it left behind.
///
/// A `systemd --user` killed with SIGKILL takes nobody with it: its services stay in its
/// cgroups, unsupervised. This reads what is left from the cgroup file system and `/proc`
/// (never from a manager, there is none to ask), so that `status` can list them, `stop` and
/// `cleanup` can end them and `start` can replace them.
public struct DeadManager: Sendable, Equatable {
  /// The private manager whose state is stale.
  public var privateManager: PrivateManager
  /// The PID its state file records, when there is one.
  public var pid: Int32?
  /// Why it counts as dead ("process 1234 is gone").
  public var reason: String
  /// The processes still running in its cgroups, sorted by process then PID.
  public var processes: [UnsupervisedProcess]
  /// The cgroup directories that held them.
  public var cgroupDirectories: [String]

  /// Creates a record.
  public init(privateManager: PrivateManager, pid: Int32?, reason: String, processes: [UnsupervisedProcess], cgroupDirectories: [String]) {
    self.privateManager = privateManager
    self.pid = pid
    self.reason = reason
    self.processes = processes
    self.cgroupDirectories = cgroupDirectories
  }

  /// Looks at `privateManager`: nil when it runs, or when nothing of it is left (no state file,
  /// no socket, no cgroup). Otherwise the processes left in its cgroups (possibly none: a stale
  /// state file alone still makes it dead).
  public static func find(_ privateManager: PrivateManager, pool: PoolConfig) -> DeadManager? {
    let pid: Int32?
    let reason: String
    switch privateManager.status() {
    case .running: return nil
    case .stale(let stalePID, let staleReason):
      pid = stalePID
      reason = staleReason
    case .notRunning:
      pid = nil
      reason = "its state file is gone"
    }
    let recorded = PrivateManagerState.read(from: privateManager.stateFilePath)?.cgroupDirectories ?? []
    let directories = Array(Set(recorded + PrivateManager.cgroupDirectoriesIfPresent(privateManager.cgroupName)))
      .filter(Posix.isDirectory).sorted()
    let processes = survey(directories, pool: pool, excluding: pid)
    // Without a state file, only processes left in its cgroups make a manager dead rather than absent.
    if case .notRunning = privateManager.status(), processes.isEmpty { return nil }
    return DeadManager(privateManager: privateManager, pid: pid, reason: reason, processes: processes, cgroupDirectories: directories)
  }

  /// The live processes in `directories` (and below), one record per PID, without the dead
  /// manager itself (a hung one can still be there) and without this process.
  static func survey(_ directories: [String], pool: PoolConfig, excluding managerPID: Int32?) -> [UnsupervisedProcess] {
    let me = getpid()
    let pids = Set(directories.flatMap(CgroupLayout.processes(under:))).subtracting([me] + (managerPID.map { [$0] } ?? []))
    let names = UnitNames(pool: pool.name)
    var byUnit: [String: String] = [:]
    for process in pool.processNames {
      byUnit[names.service(process)] = process
    }
    // The helper units (and the health unit's command checks) are the pool's too; they carry the unit's name.
    for helper in names.helpers { byUnit[helper] = helper }
    let membership = PoolMembership(poolName: pool.name)
    return pids.sorted().compactMap { pid -> UnsupervisedProcess? in
      guard let stat = ProcessSnapshot.read(pid), stat.isLive else { return nil }
      let unit = membership.unit(cgroupPaths: Posix.cgroups(of: pid))
      return UnsupervisedProcess(
        pid: pid, parentPID: stat.parentPID, startTime: stat.startTime, unit: unit, process: unit.flatMap { byUnit[$0] },
        command: ProcessSnapshot.command(pid) ?? "[\(stat.comm)]")
    }.sorted()
  }
}
