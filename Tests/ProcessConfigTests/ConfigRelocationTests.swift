import Foundation
import Testing

@testable import ProcessConfig

/// The config copy an install keeps: `cwd`s absolute, everything else as written.
@Suite struct ConfigRelocationTests {
  static let config = """
    {"name": "web", "processes": {
      "a": {"command": ["python3", "app.py"], "cwd": "demo/../app", "startup_delay": 0.50, "env": {"X": "é\\n$"}},
      "b": {"command": ["./run"], "depends_on": ["a"]},
      "c": {"command": ["/bin/true"], "cwd": "/srv/c"}
    }}
    """

  @Test func relativePathsBecomeAbsoluteAndTheRestIsKept() throws {
    let text = try ConfigRelocation.absolutized(Array(Self.config.utf8), baseDirectory: "/srv/my pool", file: "x.json")
    let original = try ConfigLoader.parse(Array(Self.config.utf8), file: "x.json", baseDirectory: "/srv/my pool")
    // Anchored anywhere else, the copy means the same pool.
    let copy = try ConfigLoader.parse(Array(text.utf8), file: "copy.json", baseDirectory: "/elsewhere")
    #expect(copy.processes["a"]?.cwd == "/srv/my pool/app")
    #expect(copy.processes["b"]?.cwd == "/srv/my pool")
    #expect(copy.processes["c"]?.cwd == "/srv/c")
    for name in ["a", "b", "c"] {
      var expected = original.processes[name]!
      expected.cwd = copy.processes[name]!.cwd
      #expect(copy.processes[name] == expected)
    }
    #expect(text.contains("\"startup_delay\": 0.50"))
    #expect(copy.name == "web")
  }

  @Test func brokenJSONIsAnError() {
    #expect(throws: ConfigError.self) {
      try ConfigRelocation.absolutized(Array("{".utf8), baseDirectory: "/", file: "x.json")
    }
  }
}
