import Testing

@testable import ProcessConfig

/// `replicas` and the `{replica...}` placeholders: validation, and the expansion into instances.
@Suite struct ReplicaConfigTests {
  static let pool = """
    {"name": "p", "processes": {
      "web": {"command": ["w", "--port", "80{replica0:02}", "{{replica} {x} {}"], "replicas": 3,
        "env": {"PORT": "80{replica0:02}", "N": "{replica}/{replica0}/{replica:03}", "PLAIN": "a{b}c"},
        "health_check": {"type": "port", "target": "127.0.0.1:80{replica0:02}"},
        "depends_on": ["db"]},
      "db": {"command": ["d", "{replica}"], "env": {"ID": "{replica0}"}},
      "front": {"command": ["f"], "depends_on": [{"process": "web", "condition": "started", "restart": true}]}
    }}
    """

  @Test func aReplicatedProcessExpandsIntoNumberedInstances() throws {
    let config = try ConfigText.parse(Self.pool)
    #expect(config.processNames == ["db", "front", "web@1", "web@2", "web@3"])
    #expect(config.replicaCounts == ["web": 3])
    #expect(config.instances(of: "web") == ["web@1", "web@2", "web@3"])
    #expect(config.instances(of: "db") == ["db"])
    #expect(config.instances(of: "nope") == [])
    #expect(config.resolvingInstances(["web", "db", "web@2"]) == ["web@1", "web@2", "web@3", "db"])
    let second = try #require(config.processes["web@2"])
    #expect(second.command == ["w", "--port", "8001", "{replica} {x} {}"])
    #expect(second.env == ["PORT": "8001", "N": "2/1/002", "PLAIN": "a{b}c", "CGIPOOL_REPLICA": "2"])
    #expect(second.healthCheck?.target == "127.0.0.1:8001")
    #expect(second.replicaOf == "web" && second.replica == 2 && second.name == "web@2")
    // The instance's own depends_on applies to each instance.
    #expect(second.dependsOn == ["db"])
    // A dependency on a replicated process is one on each instance, with its condition and restart.
    let front = try #require(config.processes["front"])
    #expect(front.dependsOn == ["web@1", "web@2", "web@3"])
    #expect(front.dependencies.allSatisfy { $0.condition == .started && $0.restart })
    #expect(config.topologicalOrder() == ["db", "web@1", "web@2", "web@3", "front"])
  }

  @Test func withoutReplicasPlaceholdersAreReplicaOneAndNothingIsRenamed() throws {
    let config = try ConfigText.parse(Self.pool)
    let db = try #require(config.processes["db"])
    #expect(db.command == ["d", "1"])
    #expect(db.env == ["ID": "0"], "no CGIPOOL_REPLICA without replicas")
    #expect(db.replicaOf == nil && db.replica == nil)
    let one = try ConfigText.parse(#"{"processes": {"a": {"command": ["a", "{replica}"], "replicas": 1}}}"#)
    #expect(one.processNames == ["a"])
    #expect(one.processes["a"]?.command == ["a", "1"])
    #expect(one.replicaCounts.isEmpty)
  }

  @Test func instancesSortByNumber() throws {
    let config = try ConfigText.parse(#"{"processes": {"w": {"command": ["w"], "replicas": 12}}}"#)
    #expect(config.processNames == (1...12).map { "w@\($0)" })
    #expect(config.startLevels() == [(1...12).map { "w@\($0)" }])
  }

  @Test func rescalingKeepsTheDeclaredProcesses() throws {
    let config = try ConfigText.parse(Self.pool)
    let grown = config.withReplicas(["web": 5])
    #expect(grown.instances(of: "web") == (1...5).map { "web@\($0)" })
    #expect(grown.processes["web@5"]?.env["PORT"] == "8004")
    #expect(grown.processes["front"]?.dependsOn.count == 5)
    let shrunk = grown.withReplicas(["web": 1])
    #expect(shrunk.instances(of: "web") == ["web@1"], "a replicated process keeps its instance names at 1")
    #expect(shrunk.processes["front"]?.dependsOn == ["web@1"])
    #expect(config.withReplicas(["web": 3]) == config)
  }

  @Test func unknownNamesStillNameTheReplicatedProcess() throws {
    let config = try ConfigText.parse(Self.pool)
    #expect(config.unknownProcesses(["web", "web@2", "db", "x"]) == ["x"])
    let message = try #require(config.unknownProcessesMessage(["x"]))
    #expect(message.contains("replicated: web"), "\(message)")
  }

  @Test(arguments: [
    ("{replica}", 7, "7"), ("{replica0}", 7, "6"), ("{replica:03}", 7, "007"), ("{replica0:02}", 1, "00"),
    ("{replica0:02}", 123, "122"), ("x{{replica}y", 4, "x{replica}y"), ("{{replica0:02}", 4, "{replica0:02}"),
    ("{a}{replica}{", 2, "{a}2{"), ("%{replica}%", 5, "%5%"), ("{{{replica}", 3, "{{replica}"), ("", 1, ""),
  ])
  func placeholdersExpand(text: String, replica: Int, expected: String) {
    #expect(ReplicaPlaceholder.problem(in: text) == nil)
    #expect(ReplicaPlaceholder.expand(text, replica: replica) == expected)
  }

  @Test(arguments: ["{replicas}", "{replica:2}", "{replica0:00}", "{replica:010}", "{replica", "{replica0:0x}", "{replica_id}"])
  func unknownPlaceholdersAreRefused(text: String) throws {
    let problem = try #require(ReplicaPlaceholder.problem(in: text))
    #expect(problem.contains("{replica}") && problem.contains("{{replica"), "\(problem)")
  }

  /// Generated strings: whatever surrounds a placeholder comes through byte for byte.
  @Test func surroundingTextIsKeptExactly() {
    var generator = SeededGeneratorForReplicas(seed: 12)
    for _ in 0..<500 {
      // A `{` right before a placeholder would make it the escape `{{replica`, which is the rule.
      var left = Self.noReplicaWord(generator.text())
      while left.hasSuffix("{") { left.removeLast() }
      let right = Self.noReplicaWord(generator.text())
      let text = left + "{replica0:02}" + right
      #expect(ReplicaPlaceholder.expand(text, replica: 4) == left + "03" + right, "\(text.debugDescription)")
    }
  }

  static func noReplicaWord(_ text: String) -> String {
    var text = text
    while text.contains("{replica") { text = text.replacingOccurrences(of: "{replica", with: "{x") }
    return text
  }
}

/// A small deterministic source of awkward strings (braces, percent signs, quotes, unicode).
struct SeededGeneratorForReplicas {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return state >> 33
  }
  mutating func text() -> String {
    let pieces = ["{", "}", "{{", "%", "$", "\"", "'", "\\", " ", "é", "🚀", "replica", "0", ":", "\n", "{r", "a"]
    return (0..<Int(next() % 8)).map { _ in pieces[Int(next() % UInt64(pieces.count))] }.joined()
  }
}
