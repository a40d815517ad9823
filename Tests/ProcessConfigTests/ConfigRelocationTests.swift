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

  @Test func envFilesAndCredentialsBecomeAbsoluteToo() throws {
    let config = """
      {"processes": {
        "a": {"command": ["x"], "env_file": "app.env", "credentials": {"db": "secrets/db", "abs": "/etc/k"}},
        "b": {"command": ["x"], "env_file": ["-../opt.env", "/etc/b.env"]}
      }}
      """
    let text = try ConfigRelocation.absolutized(Array(config.utf8), baseDirectory: "/srv/pool", file: "x.json")
    let copy = try ConfigLoader.parse(Array(text.utf8), file: "copy.json", baseDirectory: "/elsewhere")
    #expect(copy.processes["a"]?.envFiles == [EnvironmentFile(path: "/srv/pool/app.env")])
    #expect(copy.processes["a"]?.credentials == ["db": "/srv/pool/secrets/db", "abs": "/etc/k"])
    #expect(copy.processes["b"]?.envFiles == [EnvironmentFile(path: "/srv/opt.env", isOptional: true), EnvironmentFile(path: "/etc/b.env")])
  }

  @Test func envFileAndCredentialsAreRead() throws {
    let config = try ConfigLoader.parse(try Fixtures.bytes("valid", "env-files.json"), file: "e.json", baseDirectory: "/srv")
    #expect(config.processes["one"]?.envFiles == [EnvironmentFile(path: "app.env")])
    #expect(config.processes["one"]?.credentials == ["db_password": "/etc/cgipool/secrets/db"])
    #expect(config.processes["many"]?.envFiles == [EnvironmentFile(path: "base.env"), EnvironmentFile(path: "local.env", isOptional: true)])
    #expect(config.processes["many"]?.resolvedCredentials(base: "/srv") == ["tls.key": "/srv/keys/tls.key", "api-token_2": "/srv/t"])
    #expect(config.processes["none"]?.envFiles == [] && config.processes["none"]?.credentials == [:])
  }

  @Test func brokenJSONIsAnError() {
    #expect(throws: ConfigError.self) {
      try ConfigRelocation.absolutized(Array("{".utf8), baseDirectory: "/", file: "x.json")
    }
  }
}
