import Testing

/// `cgipool check`, run as a real process against fixture configs.
@Suite struct CheckCommandTests {
  @Test func validConfigPrintsTheStartPlan() throws {
    let run = try CgiPoolBinary.run(["check", "--config", "valid.json"])
    #expect(run.status == 0, "\(run)")
    #expect(run.stderr == "")
    Snapshot.expect(run.stdout, matches: "check-valid.stdout")
  }

  @Test func invalidConfigPrintsEveryDiagnosticAndExits65() throws {
    let run = try CgiPoolBinary.run(["check", "--config", "invalid.json"])
    #expect(run.status == 65, "\(run)")
    #expect(run.stdout == "")
    Snapshot.expect(run.stderr, matches: "check-invalid.stderr")
  }

  @Test func missingConfigFileIsOneDiagnosticAtTheRoot() throws {
    let run = try CgiPoolBinary.run(["check", "--config", "no-such-config.json"])
    #expect(run.status == 65, "\(run)")
    #expect(run.stdout == "")
    #expect(
      run.stderr == """
        error: no-such-config.json: (root): cannot open the config file: No such file or directory
        1 error in no-such-config.json

        """)
  }

  @Test func environmentVariableNamesTheConfig() throws {
    let run = try CgiPoolBinary.run(["check"], environment: ["CGI_POOL_CONFIG": "env-pool.json"])
    #expect(run.status == 0, "\(run)")
    #expect(run.stdout.hasPrefix("pool: env-pool\n"), "\(run)")
  }

  @Test func configOptionWinsOverTheEnvironment() throws {
    let run = try CgiPoolBinary.run(["check", "--config", "valid.json"], environment: ["CGI_POOL_CONFIG": "env-pool.json"])
    #expect(run.status == 0, "\(run)")
    #expect(run.stdout.hasPrefix("pool: cgipool\n"), "\(run)")
  }

  @Test func defaultConfigIsOpsProcessConfig() throws {
    // An empty variable counts as unset.
    let run = try CgiPoolBinary.run(["check"], environment: ["CGI_POOL_CONFIG": ""])
    #expect(run.status == 0, "\(run)")
    #expect(run.stdout.hasPrefix("pool: default-pool\n"), "\(run)")
  }

  @Test func unknownOptionIsAUsageError() throws {
    let run = try CgiPoolBinary.run(["check", "--bogus"])
    #expect(run.status == 64, "\(run)")
    #expect(run.stdout == "")
    #expect(run.stderr.contains("Unknown option '--bogus'"), "\(run)")
    #expect(run.stderr.contains("Usage: cgipool check"), "\(run)")
  }

  @Test func unexpectedArgumentIsAUsageError() throws {
    let run = try CgiPoolBinary.run(["check", "extra"])
    #expect(run.status == 64, "\(run)")
  }

  @Test func missingOptionValueIsAUsageError() throws {
    let run = try CgiPoolBinary.run(["check", "--config"])
    #expect(run.status == 64, "\(run)")
  }
}
