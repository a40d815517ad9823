import Testing

@testable import ProcessConfig

/// Start order, levels and dependents.
@Suite struct OrderTests {
  private func pool(_ dependencies: [String: [String]]) -> PoolConfig {
    var processes: [String: ProcessSpec] = [:]
    for (name, dependsOn) in dependencies {
      processes[name] = ProcessSpec(name: name, command: ["x"], dependsOn: dependsOn)
    }
    return PoolConfig(processes: processes, file: "t.json", baseDirectory: "/")
  }

  @Test func diamondFixtureOrdersDependenciesFirst() throws {
    let config = try ConfigLoader.parse(Fixtures.bytes("valid", "diamond.json"), file: "d.json", baseDirectory: "/")
    #expect(config.topologicalOrder() == ["aside", "bottom", "left", "right", "top", "tail"])
    #expect(config.startLevels() == [["aside", "bottom"], ["left", "right"], ["top"], ["tail"]])
    #expect(config.dependents(of: "bottom") == ["left", "right"])
    #expect(config.dependents(of: "aside") == ["tail"])
    #expect(config.dependents(of: "tail") == [])
  }

  @Test func tiesGoToTheSmallerName() {
    let config = pool(["c": [], "b": [], "a": ["c"], "d": ["b"]])
    // "a" waits for "c"; of the ready ones the smallest name always goes first.
    #expect(config.topologicalOrder() == ["b", "c", "a", "d"])
    #expect(config.startLevels() == [["b", "c"], ["a", "d"]])
  }

  @Test func levelIsOneMoreThanTheDeepestDependency() {
    let config = pool(["a": [], "b": ["a"], "c": ["b"], "d": ["a", "c"]])
    #expect(config.startLevels() == [["a"], ["b"], ["c"], ["d"]])
  }

  @Test func handBuiltCyclesAndUnknownNamesStillListEveryProcessOnce() {
    // Only ConfigLoader guarantees acyclic pools; the order must still terminate on others.
    let config = pool(["a": ["b"], "b": ["a"], "c": ["missing", "c"]])
    #expect(config.topologicalOrder().sorted() == ["a", "b", "c"])
    #expect(config.startLevels().flatMap { $0 }.sorted() == ["a", "b", "c"])
  }

  @Test func emptyPoolHasNoLevels() {
    #expect(pool([:]).startLevels() == [])
    #expect(pool([:]).topologicalOrder() == [])
  }
}
