import Foundation
import ProcessConfig

#if canImport(Glibc)
import Glibc
#endif

extension DeadManager {
  /// Ends the unsupervised processes as a stop of their units would, then removes what is left
  /// of the dead manager (its cgroups and runtime folder, through `PrivateManager.stop()`, and
  /// its units' private `/tmp` and `/var/tmp` folders).
  ///
  /// The process's `stop_signal` (and SIGCONT, so a stopped process sees it) goes to every process in the dead
  /// manager's cgroups, SIGKILL to each one still there after its process's `stop_timeout`
  /// (after `timeout` seconds when given, at once with `force`). Processes forked meanwhile are
  /// found by re-reading the cgroups and get the same treatment. Whether each is gone is read
  /// from `/proc` (PID and start time), never assumed.
  public func end(pool: PoolConfig, force: Bool = false, timeout: Double? = nil) throws(ManagerError) -> StopReport {
    let clock = ContinuousClock()
    struct Tracked {
      var process: UnsupervisedProcess
      var deadline: ContinuousClock.Instant
      var killed: Bool
    }
    var tracked: [Int32: Tracked] = [:]
    var killedKeys = Set<String>()
    var seenKeys: [String: String] = [:]  // result key -> unit
    let key = { (process: UnsupervisedProcess) in process.process ?? process.unit ?? "pid \(process.pid)" }
    let admit = { (process: UnsupervisedProcess) in
      if let known = tracked[process.pid], known.process.startTime == process.startTime { return }
      let seconds = force ? 0 : (timeout ?? process.process.flatMap { pool.processes[$0]?.stopTimeout } ?? 10)
      if force {
        Posix.signal(process.pid, SIGKILL)
      } else {
        // The process's own stop signal, as its unit's stop would send; SIGTERM for what the pool does not name.
        Posix.signal(process.pid, process.process.flatMap { pool.processes[$0]?.stopSignal.number } ?? SIGTERM)
        Posix.signal(process.pid, SIGCONT)
      }
      tracked[process.pid] = Tracked(
        process: process, deadline: clock.now.advanced(by: .milliseconds(Int64(seconds * 1000))), killed: force)
      seenKeys[key(process)] = process.unit ?? ""
      if force { killedKeys.insert(key(process)) }
    }
    // Read before the processes end: their mount tables are where the folders are named.
    var temporaryFolders = Set<String>()
    for (unit, members) in Dictionary(grouping: processes.filter { $0.unit != nil }, by: { $0.unit! }) {
      if let first = members.first { temporaryFolders.formUnion(PrivateTemporaryFolders.of(pid: first.pid, unit: unit)) }
    }
    processes.forEach(admit)
    let graceEnd = { tracked.values.map(\.deadline).max() ?? clock.now }
    while !tracked.isEmpty {
      usleep(50_000)
      for process in Self.survey(cgroupDirectories, pool: pool, excluding: pid) { admit(process) }
      for (processID, entry) in tracked {
        if !ProcessSnapshot.isSame(processID, startTime: entry.process.startTime) {
          tracked[processID] = nil
        } else if clock.now >= entry.deadline {
          Posix.signal(processID, SIGKILL)
          if !entry.killed { killedKeys.insert(key(entry.process)) }
          tracked[processID]?.killed = true
        }
      }
      if clock.now > graceEnd().advanced(by: .seconds(5)) { break }
    }
    var survivors: [String: [Int32]] = [:]
    for entry in tracked.values { survivors[key(entry.process), default: []].append(entry.process.pid) }
    if survivors.isEmpty {
      // Nothing is left in the cgroups: remove them, the stale state file and the runtime folder.
      try privateManager.stop()
      // What the dead manager would have removed when each unit stopped.
      for folder in temporaryFolders.sorted() { try Posix.removeTree(folder) }
    }
    let results = seenKeys.keys.sorted().map { name -> ProcessStopResult in
      let outcome: ProcessStopResult.Outcome =
        survivors[name].map { .survivors($0.sorted()) } ?? (killedKeys.contains(name) ? .killed : .stopped)
      return ProcessStopResult(process: name, unit: seenKeys[name] ?? "", outcome: outcome)
    }
    return StopReport(results: results)
  }
}
