/// Replicas: a process with `"replicas": N` (N ≥ 2) runs as N instances, each a process of its
/// own named `<process>@<i>` (i = 1...N), so its unit is `<pool>-<process>@<i>.service`
/// (`UnitNames.instance`). Everything downstream (units, start, stop, status, the gate) works on
/// instances like on any process; only commands that take a name from the user resolve a
/// replicated process's name to its instances (`instances(of:)`).
extension PoolConfig {
  /// The variable every instance finds its number (1...N) in.
  public static let replicaVariable = "CGIPOOL_REPLICA"

  /// The name of instance `replica` of `process`: `<process>@<replica>`. The one naming rule of
  /// instances (process names cannot contain `@`).
  public static func instanceName(_ process: String, replica: Int) -> String { "\(process)@\(replica)" }

  /// The replicated process and instance number a name stands for (`web@2` → (`web`, 2)).
  public static func splitInstanceName(_ name: String) -> (process: String, replica: Int)? {
    guard let at = name.lastIndex(of: "@"), let replica = Int(name[name.index(after: at)...]), replica > 0 else {
      return nil
    }
    return (String(name[..<at]), replica)
  }

  /// The declared processes that run as instances, with their instance counts now.
  public var replicaCounts: [String: Int] {
    var counts: [String: Int] = [:]
    for spec in processes.values {
      if let group = spec.replicaOf { counts[group, default: 0] += 1 }
    }
    return counts
  }

  /// The processes `name` stands for: a replicated process's instances in number order, or the
  /// process itself; empty when the pool has no such name.
  public func instances(of name: String) -> [String] {
    if processes[name] != nil { return [name] }
    guard let count = replicaCounts[name] else { return [] }
    return (1...count).map { Self.instanceName(name, replica: $0) }
  }

  /// `requested` with every replicated process's name replaced by its instances (order kept;
  /// unknown names are kept, so the caller's own check still reports them).
  public func resolvingInstances(_ requested: [String]) -> [String] {
    var resolved: [String] = []
    for name in requested {
      let instances = instances(of: name)
      resolved += instances.isEmpty ? [name] : instances
    }
    var seen: Set<String> = []
    return resolved.filter { seen.insert($0).inserted }
  }

  /// This pool with `counts` instances of the named replicated processes (the others as
  /// declared): what `cgipool scale` runs, and what a scaled pool's stop and status read.
  /// A pool without replicated processes is returned as it is (its placeholders are filled in
  /// already, and filling them again would read an escaped `{{replica` as a placeholder).
  public func withReplicas(_ counts: [String: Int]) -> PoolConfig {
    guard !declaredProcesses.isEmpty else { return self }
    var pool = self
    pool.processes = declaredProcesses
    return pool.expandingReplicas(counts: counts)
  }

  /// Expands every process with `replicas` ≥ 2 (or a count in `counts`) into its instances and
  /// fills in the placeholders of every process (`ReplicaPlaceholder`; 1 for a process without
  /// replicas). A dependency on a replicated process becomes a dependency on each instance: its
  /// dependents wait for all of them, as compose waits for every container of a scaled service.
  func expandingReplicas(counts: [String: Int] = [:]) -> PoolConfig {
    let declared = processes
    let groups = declared.values.reduce(into: [String: Int]()) { groups, spec in
      let count = counts[spec.name] ?? spec.replicas
      if spec.replicas >= 2 || counts[spec.name] != nil { groups[spec.name] = count }
    }
    var expanded: [String: ProcessSpec] = [:]
    for spec in declared.values {
      var base = spec
      base.dependencies = spec.dependencies.flatMap { dependency -> [Dependency] in
        guard let count = groups[dependency.process] else { return [dependency] }
        return (1...count).map { replica in
          var each = dependency
          each.process = Self.instanceName(dependency.process, replica: replica)
          return each
        }
      }
      guard let count = groups[spec.name] else {
        expanded[spec.name] = base.filledIn(replica: 1)
        continue
      }
      for replica in 1...count {
        var instance = base.filledIn(replica: replica)
        instance.name = Self.instanceName(spec.name, replica: replica)
        instance.replicaOf = spec.name
        instance.replica = replica
        instance.env[Self.replicaVariable] = String(replica)
        expanded[instance.name] = instance
      }
    }
    var pool = self
    // Kept only where there is something to expand again (`withReplicas`), so a pool without
    // replicas is the same value it was before replicas existed.
    pool.declaredProcesses = groups.isEmpty ? [:] : declared
    pool.processes = expanded
    return pool
  }

  /// Whether `lhs` sorts before `rhs` among process names: by name, and an instance number as a
  /// number (`web@2` before `web@10`), so status rows and start order read 1, 2, ... 10.
  static func namePrecedes(_ lhs: String, _ rhs: String) -> Bool {
    if let left = splitInstanceName(lhs), let right = splitInstanceName(rhs), left.process == right.process {
      return left.replica < right.replica
    }
    return lhs < rhs
  }
}

extension ProcessSpec {
  /// This spec with its placeholders filled in for instance `replica`.
  func filledIn(replica: Int) -> ProcessSpec {
    var spec = self
    spec.command = command.map { ReplicaPlaceholder.expand($0, replica: replica) }
    spec.env = env.mapValues { ReplicaPlaceholder.expand($0, replica: replica) }
    if var check = healthCheck {
      check.target = ReplicaPlaceholder.expand(check.target, replica: replica)
      spec.healthCheck = check
    }
    return spec
  }
}
