extension PoolConfig {
  /// Every process name, each after all of its dependencies; ties go to the smaller name.
  ///
  /// Kahn's algorithm, always taking the smallest ready name. A validated config has no
  /// cycle; should a hand-built one have one, its members follow in name order so the
  /// result still lists every process once.
  public func topologicalOrder() -> [String] {
    var remaining = Set(processes.keys)
    var order: [String] = []
    while !remaining.isEmpty {
      let ready = remaining.filter { name in
        dependencies(of: name).allSatisfy { !remaining.contains($0) }
      }
      guard let next = ready.min() ?? remaining.min() else { break }
      order.append(next)
      remaining.remove(next)
    }
    return order
  }

  /// The processes grouped by start level: level 0 has no dependencies, level n depends on
  /// level n-1 at the latest; each level sorted by name.
  ///
  /// A level can start in parallel once the previous level is healthy.
  public func startLevels() -> [[String]] {
    var level: [String: Int] = [:]
    for name in topologicalOrder() {
      // Dependencies precede `name` in the order, so their levels are known (a cycle member's are not: 0).
      level[name] = dependencies(of: name).map { (level[$0] ?? -1) + 1 }.max() ?? 0
    }
    let depth = (level.values.max() ?? -1) + 1
    var levels = [[String]](repeating: [], count: depth)
    for (name, index) in level { levels[index].append(name) }
    return levels.map { $0.sorted() }
  }

  /// The processes that list `name` in their `depends_on` directly, sorted.
  public func dependents(of name: String) -> [String] {
    processes.values.filter { $0.dependsOn.contains(name) }.map(\.name).sorted()
  }

  /// The dependencies of `name` that exist in this pool (a hand-built config may name others).
  private func dependencies(of name: String) -> [String] {
    (processes[name]?.dependsOn ?? []).filter { processes[$0] != nil && $0 != name }
  }
}
