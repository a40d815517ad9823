import ProcessConfig
import UnitCompiler

/// Starts, stops and inspects one pool's units through a systemd manager.
///
/// Holds no state of its own beyond the compiled pool: every answer comes from
/// the manager, so a second `cgipool` run sees exactly what the first one left.
public final class PoolRuntime {
  /// The validated config.
  public let pool: PoolConfig
  /// The units compiled from it.
  public let compiled: CompiledPool
  /// The manager the units live in.
  public let manager: any SystemdManaging
  /// Where each process's output is appended, if anywhere.
  public let logDirectory: String?
  /// The journal keeping each process's output, when the units write to the journal.
  public let journal: JournalLocation?
  /// The naming scheme of the pool's units.
  public let names: UnitNames
  /// The manager's own cgroup (`/cgipool-<pool>` for a private manager), when known: the
  /// "nothing left" check after a stop counts only processes below it.
  public var cgroupRoot: String?
  /// Where the pool's health unit publishes its last liveness results; nil: none is read.
  public let healthState: HealthStateFile?
  /// The unit file `<pool>.target` is loaded from when the pool's units are installed (unit
  /// files or the generator): `start` then starts those units instead of transient twins.
  public var installedTarget: String?
  /// Whether the pool's units are installed unit files.
  public var usesInstalledUnits: Bool { installedTarget != nil }
  /// Where `start` keeps the early exits the manager forgets, for `status`; nil for a manager
  /// on another machine, whose state folder is not this machine's.
  public var earlyExits: EarlyExitFile? {
    guard let healthState, journal != nil || logDirectory != nil else { return nil }
    return EarlyExitFile(besideHealthState: healthState)
  }
  /// Where `scale` records the instance counts it gave the running pool; nil where `earlyExits` is.
  public var scaledReplicas: ScaledReplicasFile? {
    guard let healthState, earlyExits != nil else { return nil }
    return ScaledReplicasFile(besideHealthState: healthState)
  }
  /// The transient form of every unit that can be transient, by name.
  let transientUnits: [String: TransientUnit]

  /// Creates a runtime for `compiled` on `manager`; output is in `logDirectory`'s files or, when
  /// `journal` is given, in the journal. `healthState` is the state file of the pool's health
  /// unit under this manager (`HealthStateLocation`).
  public init(
    pool: PoolConfig, compiled: CompiledPool, manager: any SystemdManaging, logDirectory: String?,
    journal: JournalLocation? = nil, healthState: HealthStateFile? = nil
  ) {
    self.pool = pool
    self.compiled = compiled
    self.manager = manager
    self.logDirectory = logDirectory
    self.journal = journal
    self.healthState = healthState
    self.names = UnitNames(pool: pool.name)
    self.transientUnits = Dictionary(
      uniqueKeysWithValues: TransientUnitBuilder.build(compiled).map { ($0.name, $0) })
  }

  /// `requested` plus everything they depend on, in start order; all processes when empty.
  public func withDependencies(_ requested: [String]) -> [String] {
    guard !requested.isEmpty else { return pool.topologicalOrder() }
    var selected = Set<String>()
    // A replicated process's name stands for all of its instances.
    var pending = pool.resolvingInstances(requested)
    while let name = pending.popLast() {
      guard selected.insert(name).inserted, let process = pool.processes[name] else { continue }
      pending += process.dependsOn
    }
    return pool.topologicalOrder().filter(selected.contains)
  }

  /// `requested` plus everything that depends on them, in start order; all processes when empty.
  public func withDependents(_ requested: [String]) -> [String] {
    guard !requested.isEmpty else { return pool.topologicalOrder() }
    var selected = Set<String>()
    // A replicated process's name stands for all of its instances.
    var pending = pool.resolvingInstances(requested)
    while let name = pending.popLast() {
      guard selected.insert(name).inserted else { continue }
      pending += pool.dependents(of: name)
    }
    return pool.topologicalOrder().filter(selected.contains)
  }

  /// The last line the health probe wrote to the process's log, if logs are kept.
  func lastProbeLine(_ process: String) -> String? {
    let isProbeLine = { (line: String) in line.hasPrefix("unhealthy: ") || line.hasPrefix("healthy: ") }
    if let journal {
      // Readiness probes write as the service (ExecStartPost=); liveness lines as the health unit.
      let entries =
        (try? journal.processTail(service: names.service(process), healthUnit: names.health, process: process, count: 200)) ?? []
      return entries.map(\.message).last(where: isProbeLine)
    }
    guard let logDirectory else { return nil }
    return LogFile(path: LogPath.file(process: process, in: logDirectory)).lastLine(where: isProbeLine)
  }
}
