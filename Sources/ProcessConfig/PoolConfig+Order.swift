extension PoolConfig {
  /// Every process name, each after all of its dependencies; ties go to the smaller name.
  ///
  /// Kahn's algorithm, always taking the smallest ready name. A validated config has no
  /// cycle; should a hand-built one have one, the smallest name not yet placed is taken
  /// regardless, so the result still lists every process exactly once.
  public func topologicalOrder() -> [String] {
    let names = processNames
    var waitingOn: [String: Int] = [:]
    var dependentsOf: [String: [String]] = [:]
    for name in names {
      let dependencies = dependencies(of: name)
      waitingOn[name] = dependencies.count
      for dependency in dependencies { dependentsOf[dependency, default: []].append(name) }
    }
    var ready = MinHeap(names.filter { waitingOn[$0] == 0 })
    var placed: Set<String> = []
    var order: [String] = []
    var fallback = names.makeIterator()
    while order.count < names.count {
      let next: String
      if let candidate = ready.pop() {
        // A name forced out of a cycle may become ready again later; place it once.
        if placed.contains(candidate) { continue }
        next = candidate
      } else {
        // Only a cycle leaves nothing ready: take the smallest name not yet placed.
        guard let candidate = fallback.next() else { break }
        if placed.contains(candidate) { continue }
        next = candidate
      }
      placed.insert(next)
      order.append(next)
      for dependent in dependentsOf[next] ?? [] {
        waitingOn[dependent, default: 0] -= 1
        if waitingOn[dependent] == 0, !placed.contains(dependent) { ready.push(dependent) }
      }
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
      // Dependencies precede `name` in the order, so their levels are known (in a hand-built
      // cycle one may not be; it then counts as level -1).
      level[name] = dependencies(of: name).map { (level[$0] ?? -1) + 1 }.max() ?? 0
    }
    let depth = (level.values.max() ?? -1) + 1
    var levels = [[String]](repeating: [], count: depth)
    for (name, index) in level { levels[index].append(name) }
    return levels.map { $0.sorted(by: PoolConfig.namePrecedes) }
  }

  /// The processes that list `name` in their `depends_on` directly, sorted.
  public func dependents(of name: String) -> [String] {
    processes.values.filter { $0.name != name && $0.dependsOn.contains(name) }.map(\.name).sorted(by: PoolConfig.namePrecedes)
  }

  /// The distinct dependencies of `name` that exist in this pool, excluding itself
  /// (a hand-built config may name others or repeat one).
  private func dependencies(of name: String) -> [String] {
    var seen: Set<String> = []
    return (processes[name]?.dependsOn ?? []).filter { dependency in
      dependency != name && processes[dependency] != nil && seen.insert(dependency).inserted
    }
  }
}

/// A binary min-heap of names, so each step of the order takes the smallest ready name in log time.
private struct MinHeap {
  private var items: [String] = []

  init(_ items: [String]) {
    for item in items { push(item) }
  }

  mutating func push(_ item: String) {
    items.append(item)
    var child = items.count - 1
    while child > 0 {
      let parent = (child - 1) / 2
      guard PoolConfig.namePrecedes(items[child], items[parent]) else { break }
      items.swapAt(child, parent)
      child = parent
    }
  }

  mutating func pop() -> String? {
    guard !items.isEmpty else { return nil }
    items.swapAt(0, items.count - 1)
    let smallest = items.removeLast()
    var parent = 0
    while true {
      let left = 2 * parent + 1
      let right = left + 1
      var smallestChild = parent
      if left < items.count, PoolConfig.namePrecedes(items[left], items[smallestChild]) { smallestChild = left }
      if right < items.count, PoolConfig.namePrecedes(items[right], items[smallestChild]) { smallestChild = right }
      if smallestChild == parent { return smallest }
      items.swapAt(parent, smallestChild)
      parent = smallestChild
    }
  }
}
