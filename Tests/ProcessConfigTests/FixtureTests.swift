import Testing

@testable import ProcessConfig

/// Every fixture: valid ones load, invalid ones produce exactly their `.expected` diagnostics.
@Suite struct FixtureTests {
  @Test(arguments: Fixtures.names(in: "valid"))
  func validFixtureLoads(name: String) throws {
    let bytes = try Fixtures.bytes("valid", name)
    let config = try ConfigLoader.parse(bytes, file: name, baseDirectory: "/etc/pool")
    #expect(!config.processes.isEmpty)
    #expect(config.file == name)
    for (key, process) in config.processes {
      #expect(process.name == key)
    }
  }

  @Test(arguments: Fixtures.names(in: "invalid"))
  func invalidFixtureReportsExpectedDiagnostics(name: String) throws {
    let bytes = try Fixtures.bytes("invalid", name)
    let error = try #require(throws: ConfigError.self) {
      try ConfigLoader.parse(bytes, file: name, baseDirectory: "/etc/pool")
    }
    #expect(!error.diagnostics.isEmpty)
    let text = error.diagnostics.map { $0.description + "\n" }.joined()
    try Fixtures.expectMatchesExpected(text, for: name)
  }

  @Test func fixtureFoldersAreFound() {
    // Guards the parameterized tests above against silently running on zero fixtures.
    #expect(Fixtures.names(in: "valid").count >= 4)
    #expect(Fixtures.names(in: "invalid").count >= 20)
  }

  @Test func exampleFixtureDecodesEveryField() throws {
    let config = try ConfigLoader.parse(Fixtures.bytes("valid", "example.json"), file: "example.json", baseDirectory: "/srv/app")
    let expected = PoolConfig(
      processes: [
        "pool_manager": ProcessSpec(
          name: "pool_manager",
          command: ["python3", "pool/manager.py", "--port", "8001"],
          cwd: ".",
          env: ["POOL_SIZE": "4"],
          restartPolicy: .always,
          startupDelay: 2,
          dependsOn: [],
          healthCheck: HealthCheck(kind: .http, target: "http://localhost:8001/health", timeout: 10)
        ),
        "yarp_proxy": ProcessSpec(
          name: "yarp_proxy",
          command: ["dotnet", "run", "--urls", "http://localhost:8080"],
          cwd: "proxy/CGIProxy",
          restartPolicy: .onFailure,
          dependsOn: ["pool_manager"],
          healthCheck: HealthCheck(kind: .port, target: "8080", timeout: 30)
        ),
      ],
      file: "example.json",
      baseDirectory: "/srv/app"
    )
    #expect(config == expected)
    #expect(config.processes["yarp_proxy"]?.resolvedWorkingDirectory(base: config.baseDirectory) == "/srv/app/proxy/CGIProxy")
  }

  @Test func everyFieldFixtureDecodesNonDefaults() throws {
    let config = try ConfigLoader.parse(Fixtures.bytes("valid", "every-field.json"), file: "f.json", baseDirectory: "/base")
    #expect(config.name == "demo.pool_1")
    #expect(config.orphanPatterns == ["*.cgi", "worker-*.py"])
    #expect(config.buildCommand == ["make", "-C", "proxy", "all"])
    let api = try #require(config.processes["api"])
    #expect(api.command == ["/usr/bin/env", "python3", "-m", "http.server", "9000"])
    #expect(api.cwd == "/srv/api")
    #expect(api.env == ["PYTHONUNBUFFERED": "1", "_PRIVATE": "", "LANG": "C.UTF-8"])
    #expect(api.restartPolicy == .always)
    #expect(api.startupDelay == 0.5)
    #expect(api.dependsOn == ["db", "cache"])
    #expect(api.stopTimeout == 20)
    #expect(api.restartDelay == 2.25)
    #expect(
      api.healthCheck
        == HealthCheck(kind: .http, target: "https://[::1]:9000/health?full=1", timeout: 12.5, interval: 5, failureThreshold: 7))
    let db = try #require(config.processes["db"])
    #expect(db.restartPolicy == .no)
    #expect(db.healthCheck == HealthCheck(kind: .port, target: "[::1]:5432", timeout: 3600, interval: 86400, failureThreshold: 100))
    #expect(db.resolvedWorkingDirectory(base: config.baseDirectory) == "/db/data")
    #expect(config.processes["cache"]?.healthCheck?.kind == .command)
    #expect(config.processes["cache"]?.startupDelay == 3600)
    #expect(config.processes["worker-2"]?.stopTimeout == 0.001)
  }
}
