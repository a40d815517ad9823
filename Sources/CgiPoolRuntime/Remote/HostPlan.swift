import ProcessConfig

/// How a pool spread over several machines (`hosts`, each process's `host`) is run: one unit set
/// per host, and stages that cgipool itself gates across hosts.
///
/// `After=` and `Requires=` cannot cross managers, so a dependency on a process of another host
/// is left out of the dependent's units. Instead processes are grouped into stages: a process's
/// stage is its same-host dependencies' stage, and one more than any other host's dependency.
/// `start` runs the stages in order (the hosts of one stage in parallel), and a stage begins only
/// once every process of the earlier stages is active, which under `ExecStartPost=` probes means
/// healthy; `stop` runs them in reverse. Within a host, systemd orders as usual.
public struct HostPlan: Sendable {
  /// One host's part of a stage.
  public struct Step: Sendable, Equatable {
    /// The host's name (`PoolConfig.localHostName` for this machine).
    public var host: String
    /// Its processes in this stage, in start order.
    public var processes: [String]

    /// Creates a step.
    public init(host: String, processes: [String]) {
      self.host = host
      self.processes = processes
    }
  }

  /// The whole pool.
  public let pool: PoolConfig
  /// Every host with at least one process: this machine first, then by name.
  public let hosts: [String]
  /// Each process's stage.
  public let stageOf: [String: Int]

  /// Plans `pool`.
  public init(pool: PoolConfig) {
    self.pool = pool
    var stageOf: [String: Int] = [:]
    for process in pool.topologicalOrder() {
      let spec = pool.processes[process]!
      let host = Self.host(of: spec)
      stageOf[process] = spec.dependsOn.map { dependency in
        let stage = stageOf[dependency] ?? 0
        return Self.host(of: pool.processes[dependency]!) == host ? stage : stage + 1
      }.max() ?? 0
    }
    self.stageOf = stageOf
    let names = Set(pool.processes.values.map(Self.host(of:)))
    let local = PoolConfig.localHostName
    hosts = (names.contains(local) ? [local] : []) + names.subtracting([local]).sorted()
  }

  /// The host a process runs on.
  public static func host(of spec: ProcessSpec) -> String { spec.host ?? PoolConfig.localHostName }

  /// The `[USER@]HOST[:PORT]` of `host`; nil for this machine.
  public func address(of host: String) -> String? { pool.hosts[host] }

  /// True when some process runs on another machine.
  public var isSpread: Bool { hosts != [PoolConfig.localHostName] }

  /// The processes of `host` in start order.
  public func processes(on host: String) -> [String] {
    pool.topologicalOrder().filter { Self.host(of: pool.processes[$0]!) == host }
  }

  /// The pool `host` runs: its processes only, each depending only on processes of the same host.
  public func subPool(for host: String) -> PoolConfig {
    var processes: [String: ProcessSpec] = [:]
    for name in self.processes(on: host) {
      var spec = pool.processes[name]!
      spec.dependencies = spec.dependencies.filter { Self.host(of: pool.processes[$0.process]!) == host }
      spec.host = nil
      processes[name] = spec
    }
    var sub = PoolConfig(
      name: pool.name, processes: processes, orphanPatterns: pool.orphanPatterns, file: pool.file,
      baseDirectory: pool.baseDirectory, buildCommand: pool.buildCommand)
    sub.hosts = [:]
    return sub
  }

  /// The dependencies of `process` that run on other hosts, with their hosts.
  public func crossHostDependencies(of process: String) -> [(process: String, host: String)] {
    guard let spec = pool.processes[process] else { return [] }
    let host = Self.host(of: spec)
    return spec.dependsOn.compactMap { dependency in
      let other = Self.host(of: pool.processes[dependency]!)
      return other == host ? nil : (dependency, other)
    }
  }

  /// `selected` (every process when nil) as stages, in start order; each stage lists its hosts
  /// in `hosts` order.
  public func stages(of selected: Set<String>? = nil) -> [[Step]] {
    let chosen = selected ?? Set(pool.processes.keys)
    guard let last = stageOf.values.max() else { return [] }
    return (0...last).compactMap { stage in
      let steps = hosts.compactMap { host -> Step? in
        let names = processes(on: host).filter { chosen.contains($0) && stageOf[$0] == stage }
        return names.isEmpty ? nil : Step(host: host, processes: names)
      }
      return steps.isEmpty ? nil : steps
    }
  }

  /// `requested` plus everything they depend on, across hosts; every process when empty.
  public func withDependencies(_ requested: [String]) -> Set<String> {
    closure(requested) { pool.processes[$0]?.dependsOn ?? [] }
  }

  /// `requested` plus everything that depends on them, across hosts; every process when empty.
  public func withDependents(_ requested: [String]) -> Set<String> {
    closure(requested) { pool.dependents(of: $0) }
  }

  private func closure(_ requested: [String], next: (String) -> [String]) -> Set<String> {
    guard !requested.isEmpty else { return Set(pool.processes.keys) }
    var selected = Set<String>()
    var pending = requested
    while let name = pending.popLast() {
      guard selected.insert(name).inserted else { continue }
      pending += next(name)
    }
    return selected
  }
}
