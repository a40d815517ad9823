extension PoolConfig {
  /// Process names with every dependency before its dependents; ties broken by name.
  public func topologicalOrder() -> [String] {
    startLevels().flatMap { $0 }
  }

  /// Start levels: level 0 has no dependencies, level n depends only on earlier levels.
  public func startLevels() -> [[String]] {
    var remaining = Set(processes.keys)
    var placed = Set<String>()
    var levels: [[String]] = []
    while !remaining.isEmpty {
      let ready = remaining.filter { name in
        processes[name]!.dependsOn.allSatisfy { placed.contains($0) || processes[$0] == nil }
      }.sorted()
      // Validation rejects cycles; should one slip through, place the rest rather than loop forever.
      let level = ready.isEmpty ? remaining.sorted() : ready
      levels.append(level)
      placed.formUnion(level)
      remaining.subtract(level)
    }
    return levels
  }

  /// The processes that name `process` in their `depends_on`, sorted.
  public func dependents(of process: String) -> [String] {
    processes.values.filter { $0.dependsOn.contains(process) }.map(\.name).sorted()
  }
}
