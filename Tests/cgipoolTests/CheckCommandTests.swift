import Foundation
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

/// `cgipool check --security`: each service's exposure, and a threshold that fails the check.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze") || ProcessInfo.processInfo.environment["CI"] == "true"))
struct CheckSecurityTests {
  static let config = """
    {"name": "i18-sec", "processes": {
      "web": {"command": ["sleep", "100"], "restart_policy": "always",
        "health_check": {"type": "port", "target": "9", "interval": 5}},
      "jail": {"command": ["sleep", "100"], "sandbox": "strict"},
      "bare": {"command": ["sleep", "100"], "sandbox": "none"}
    }}
    """

  func withConfig(_ body: (String) throws -> Void) throws {
    let folder = NSTemporaryDirectory() + "cgipool-i18-check-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try Self.config.write(toFile: folder + "/pool.json", atomically: true, encoding: .utf8)
    try body(folder + "/pool.json")
  }

  /// `unit → level` from the exposure lines.
  static func levels(_ stdout: String) -> [String: Double] {
    var levels: [String: Double] = [:]
    for line in stdout.split(separator: "\n") where line.hasPrefix("  i18-sec") {
      let words = line.split(separator: " ")
      levels[String(words[0])] = Double(words[1])
    }
    return levels
  }

  @Test func printsEachServicesExposure() throws {
    try withConfig { path in
      let run = try CgiPoolBinary.run(["check", "--config", path, "--security"])
      #expect(run.status == 0, "\(run)")
      let levels = Self.levels(run.stdout)
      #expect(
        Set(levels.keys) == [
          "i18-sec-web.service", "i18-sec.health.service", "i18-sec-jail.service", "i18-sec-bare.service",
          "i18-sec.logcap.service",
        ], "\(run)")
      // The log cap unit (output in files) runs strict whatever the processes say.
      #expect((levels["i18-sec.logcap.service"] ?? 10) <= 2.0)
      #expect((levels["i18-sec-jail.service"] ?? 10) <= 2.0)
      #expect((levels["i18-sec-web.service"] ?? 10) <= 4.5)
      #expect((levels["i18-sec.health.service"] ?? 10) <= 4.5)
      #expect((levels["i18-sec-bare.service"] ?? 0) > 9)
      #expect(run.stdout.contains("i18-sec-jail.service") && run.stdout.contains("sandbox strict"))
      #expect(run.stdout.contains("i18-sec.health.service") && run.stdout.contains("helper"))
    }
  }

  @Test func aThresholdFailsTheCheckNamingEachUnitAboveIt() throws {
    try withConfig { path in
      let run = try CgiPoolBinary.run(["check", "--config", path, "--security-threshold", "4.5"])
      #expect(run.status == 1, "\(run)")
      #expect(run.stderr.split(separator: "\n").count == 1, "only the unsandboxed service is above 4.5: \(run)")
      #expect(run.stderr.contains("error: i18-sec-bare.service: exposure "), "\(run)")
      #expect(run.stderr.contains("is above the threshold 4.5"), "\(run)")
      let low = try CgiPoolBinary.run(["check", "--config", path, "--security-threshold", "10"])
      #expect(low.status == 0, "\(low)")
      let bad = try CgiPoolBinary.run(["check", "--config", path, "--security-threshold", "11"])
      #expect(bad.status == 64, "\(bad)")
    }
  }
}
