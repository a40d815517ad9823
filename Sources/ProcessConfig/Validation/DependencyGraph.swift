/// The `depends_on` graph over process ids, for finding cycles without recursion.
///
/// Ids are positions in the sorted name list, so comparing ids compares names. Every
/// search here is iterative: a config may list thousands of processes in one chain,
/// and recursion that deep would overflow the stack.
struct DependencyGraph {
  /// One `depends_on` entry: the dependency's id and its position in the array.
  struct Edge {
    var target: Int
    var index: Int
  }

  /// A cycle found: its members from the smallest id, and the `depends_on` index of its first edge.
  struct Cycle {
    var members: [Int]
    var firstEdgeIndex: Int
  }

  /// The outgoing edges of each node, in `depends_on` order.
  var edges: [[Edge]]

  /// Every elementary cycle once each, or `nil` when the graph has none; `complete` is false
  /// when the search stopped at `limit` cycles or after `budget` edge visits.
  ///
  /// As in Johnson's algorithm: find the strongly connected components (linear time), take
  /// the smallest id in any cyclic one, list every cycle through it inside its component,
  /// remove it, and repeat. Each cycle is so found exactly once, from its smallest member. A
  /// dense graph can hold exponentially many cycles: a stopped search still returns at least
  /// one cycle per cyclic component.
  func elementaryCycles(limit: Int, budget: Int) -> (cycles: [Cycle], complete: Bool)? {
    let originalComponents = cyclicComponents()
    guard !originalComponents.isEmpty else { return nil }
    var found: [Cycle] = []
    var budget = budget
    var complete = true
    var alive = [Bool](repeating: true, count: edges.count)
    while let component = cyclicComponents(alive: alive).first {
      let start = component[0]
      let result = cycles(from: start, in: Set(component), limit: limit - found.count, budget: &budget)
      found += result.cycles
      if !result.complete {
        complete = false
        break
      }
      alive[start] = false
    }
    // A stopped search may have skipped whole components: give each at least one cycle.
    for component in originalComponents {
      let members = Set(component)
      if !found.contains(where: { members.contains($0.members[0]) }), let shortest = shortestCycle(in: component) {
        found.append(shortest)
      }
    }
    return (found, complete)
  }

  /// The strongly connected components with more than one node among the `alive` nodes
  /// (all when `nil`), each sorted, ordered by smallest id.
  ///
  /// Tarjan's algorithm with an explicit stack. Self-edges are never added, so a
  /// one-node component has no cycle.
  func cyclicComponents(alive: [Bool]? = nil) -> [[Int]] {
    let count = edges.count
    let isAlive = { (node: Int) in alive?[node] ?? true }
    var order = [Int](repeating: -1, count: count)
    var lowLink = [Int](repeating: 0, count: count)
    var onStack = [Bool](repeating: false, count: count)
    var stack: [Int] = []
    var components: [[Int]] = []
    var counter = 0
    for root in 0..<count where order[root] == -1 && isAlive(root) {
      var frames: [(node: Int, next: Int)] = [(root, 0)]
      order[root] = counter
      lowLink[root] = counter
      counter += 1
      stack.append(root)
      onStack[root] = true
      while let frame = frames.last {
        let node = frame.node
        if frame.next < edges[node].count {
          frames[frames.count - 1].next += 1
          let target = edges[node][frame.next].target
          if !isAlive(target) { continue }
          if order[target] == -1 {
            order[target] = counter
            lowLink[target] = counter
            counter += 1
            stack.append(target)
            onStack[target] = true
            frames.append((target, 0))
          } else if onStack[target] {
            lowLink[node] = min(lowLink[node], order[target])
          }
          continue
        }
        frames.removeLast()
        if let parent = frames.last {
          lowLink[parent.node] = min(lowLink[parent.node], lowLink[node])
        }
        if lowLink[node] == order[node] {
          var component: [Int] = []
          while let member = stack.popLast() {
            onStack[member] = false
            component.append(member)
            if member == node { break }
          }
          if component.count > 1 { components.append(component.sorted()) }
        }
      }
    }
    return components.sorted { $0[0] < $1[0] }
  }

  /// Elementary cycles through `start`, the smallest member of `component`, each found once.
  ///
  /// Stops after `limit` cycles or `budget` edge visits (decremented in place), so a dense
  /// component stays cheap; returns whether the search was complete.
  func cycles(from start: Int, in component: Set<Int>, limit: Int, budget: inout Int) -> (cycles: [Cycle], complete: Bool) {
    var found: [Cycle] = []
    var frames: [(node: Int, next: Int)] = [(start, 0)]
    var onPath: Set<Int> = [start]
    while let frame = frames.last {
      let node = frame.node
      guard frame.next < edges[node].count else {
        onPath.remove(node)
        frames.removeLast()
        continue
      }
      frames[frames.count - 1].next += 1
      let target = edges[node][frame.next].target
      guard component.contains(target) else { continue }
      guard budget > 0, found.count < limit else { return (found, false) }
      budget -= 1
      if target == start {
        // The edge leaving `start` is the one its frame advanced past last.
        let firstEdge = edges[start][frames[0].next - 1]
        found.append(Cycle(members: frames.map(\.node) + [start], firstEdgeIndex: firstEdge.index))
      } else if !onPath.contains(target) {
        onPath.insert(target)
        frames.append((target, 0))
      }
    }
    return (found, true)
  }

  /// A shortest cycle through the smallest member of `component` (breadth-first, always exists).
  func shortestCycle(in component: [Int]) -> Cycle? {
    guard let start = component.first else { return nil }
    let members = Set(component)
    // parent[node] = (previous node, depends_on index of the edge taken from `start`).
    var parent: [Int: Int] = [:]
    var firstIndex: [Int: Int] = [:]
    var queue: [Int] = [start]
    var head = 0
    while head < queue.count {
      let node = queue[head]
      head += 1
      for edge in edges[node] where members.contains(edge.target) {
        let first = node == start ? edge.index : firstIndex[node]!
        if edge.target == start {
          var path = [node]
          while let previous = parent[path[path.count - 1]] { path.append(previous) }
          return Cycle(members: path.reversed() + [start], firstEdgeIndex: first)
        }
        if edge.target != start, parent[edge.target] == nil {
          parent[edge.target] = node
          firstIndex[edge.target] = first
          queue.append(edge.target)
        }
      }
    }
    return nil
  }
}
