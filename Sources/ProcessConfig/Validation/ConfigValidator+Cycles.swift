extension ConfigValidator {
  /// Reports each elementary dependency cycle once, at
  /// `processes.<smallest member>.depends_on[<index of the next member>]`; returns whether any was found.
  ///
  /// The search itself is `DependencyGraph.elementaryCycles`; this names its members and says
  /// when it stopped early.
  mutating func reportCycles(
    in graph: [String: [(dependency: String, index: Int)]], names: [String], at path: ConfigPath
  ) -> Bool {
    let ids = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
    let dependencyGraph = DependencyGraph(
      edges: names.map { name in
        (graph[name] ?? []).compactMap { edge in
          ids[edge.dependency].map { DependencyGraph.Edge(target: $0, index: edge.index) }
        }
      })
    guard
      let (found, complete) = dependencyGraph.elementaryCycles(
        limit: Self.maximumReportedCycles, budget: Self.cycleSearchBudget)
    else { return false }
    for cycle in found {
      report(
        path.appending(names[cycle.members[0]]).appending(ProcessKey.dependsOn).appending(cycle.firstEdgeIndex),
        "dependency cycle: \(cycle.members.map { names[$0] }.joined(separator: " -> "))")
    }
    if !complete {
      report(path, "the search for dependency cycles stopped after \(found.count) cycles; more may exist")
    }
    return true
  }
}
