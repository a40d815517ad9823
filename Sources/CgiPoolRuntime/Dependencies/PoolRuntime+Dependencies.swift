import ProcessConfig

extension PoolRuntime {
  /// The gate `process`'s unit runs before it starts (`ExecCondition=cgipool gate`), for the runtime's own checks.
  func gate(for process: String) -> DependencyGate {
    let dependencies = pool.processes[process]?.dependencies ?? []
    return DependencyGate(
      requirements: dependencies.map { .init(unit: names.service($0.process), condition: $0.condition) })
  }

  /// `requested` plus, transitively, every process that depends on one of them with
  /// `restart: true`, in start order: what `cgipool restart NAME` restarts.
  public func withRestartingDependents(_ requested: [String]) -> [String] {
    var selected = Set<String>()
    var pending = pool.resolvingInstances(requested)
    while let name = pending.popLast() {
      guard selected.insert(name).inserted else { continue }
      pending += pool.processes.values.filter { $0.dependency(on: name)?.restart == true }.map(\.name)
    }
    return pool.topologicalOrder().filter(selected.contains)
  }
}
