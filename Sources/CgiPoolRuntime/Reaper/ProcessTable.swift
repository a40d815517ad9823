/// The stat lines of one `/proc` pass, with the process tree derived from them on demand.
struct ProcessTable {
  /// Every process read, in directory order.
  private(set) var stats: [ProcStat] = []
  /// Children indices by parent PID, built on first use.
  private var childrenByParent: [Int32: [Int]]?
  private var indexByPID: [Int32: Int]?

  init(capacity: Int) {
    stats.reserveCapacity(capacity)
  }

  var count: Int { stats.count }

  mutating func append(_ stat: ProcStat) {
    stats.append(stat)
  }

  /// This process, its ancestors (from the table and `getppid`), PID 1 and PID 0.
  mutating func protectedPIDs(currentPID: Int32, parentPID: Int32) -> Set<Int32> {
    buildIndex()
    var result: Set<Int32> = [0, 1, currentPID, parentPID]
    var pid = currentPID
    while let index = indexByPID?[pid], pid > 1 {
      pid = stats[index].ppid
      guard result.insert(pid).inserted || pid == parentPID else { break }
    }
    return result
  }

  /// Indices of the processes that go with the process at `index`: its
  /// transitive children, and the members of its process group and session
  /// when it leads them, with their transitive children; never itself.
  mutating func descendants(of index: Int) -> [Int] {
    buildIndex()
    let root = stats[index]
    var seeds = [index]
    if root.processGroup == root.pid || root.session == root.pid {
      for (other, stat) in stats.enumerated() where other != index {
        if (root.processGroup == root.pid && stat.processGroup == root.pid)
          || (root.session == root.pid && stat.session == root.pid)
        {
          seeds.append(other)
        }
      }
    }
    var seen: Set<Int> = [index]
    var result: [Int] = []
    var stack = seeds
    while let current = stack.popLast() {
      if current != index {
        guard seen.insert(current).inserted else { continue }
        result.append(current)
      }
      stack.append(contentsOf: childrenByParent?[stats[current].pid] ?? [])
    }
    return result
  }

  private mutating func buildIndex() {
    guard indexByPID == nil else { return }
    var byPID: [Int32: Int] = [:]
    var children: [Int32: [Int]] = [:]
    for (index, stat) in stats.enumerated() {
      byPID[stat.pid] = index
      children[stat.ppid, default: []].append(index)
    }
    indexByPID = byPID
    childrenByParent = children
  }
}
