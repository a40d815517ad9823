import Testing

@testable import ProcessConfig

/// The key enums are the one source of the validator's keys: their data agrees with what it accepts.
@Suite struct ConfigKeyTests {
  private func parse(_ text: String) throws(ConfigError) -> PoolConfig { try ConfigText.parse(text) }

  private let command = #""command": ["sleep", "1"]"#
  private let check = #""type": "port", "target": "8080""#

  @Test func everyDeclaredDefaultIsWhatAnOmittedKeyMeans() throws {
    let bare = try parse(#"{"processes": {"p": {\#(command), "health_check": {\#(check)}}}}"#)
    for key in PoolKey.allCases {
      guard let value = key.info.defaultValue else { continue }
      let explicit = try parse(#"{"\#(key.rawValue)": \#(value.json), "processes": {"p": {\#(command), "health_check": {\#(check)}}}}"#)
      #expect(explicit == bare, "\(key.rawValue)")
    }
    for key in ProcessKey.allCases where key != .healthCheck {
      guard let value = key.info.defaultValue else { continue }
      let explicit = try parse(
        #"{"processes": {"p": {\#(command), "health_check": {\#(check)}, "\#(key.rawValue)": \#(value.json)}}}"#)
      #expect(explicit == bare, "\(key.rawValue)")
    }
    for key in HealthCheckKey.allCases {
      guard let value = key.info.defaultValue else { continue }
      let explicit = try parse(
        #"{"processes": {"p": {\#(command), "health_check": {\#(check), "\#(key.rawValue)": \#(value.json)}}}}"#)
      #expect(explicit == bare, "\(key.rawValue)")
    }
    // `health_check: null` is the declared default: no check at all.
    let noCheck = try parse(#"{"processes": {"p": {\#(command), "health_check": null}}}"#)
    #expect(noCheck.processes["p"]?.healthCheck == nil)
    #expect(ProcessKey.healthCheck.info.defaultValue == .null)
  }

  @Test func aRequiredKeyHasNoDefaultAndIsReportedMissing() {
    func required<Key: ConfigKey>(_: Key.Type) -> [(name: String, info: ConfigKeyInfo)] {
      Key.allCases.filter { $0.info.isRequired }.map { ($0.rawValue, $0.info) }
    }
    let all = required(PoolKey.self) + required(ProcessKey.self) + required(HealthCheckKey.self)
    #expect(all.map { $0.name }.sorted() == ["command", "processes", "target", "type"])
    #expect(all.allSatisfy { $0.info.defaultValue == nil })
    do {
      _ = try parse(#"{"processes": {"p": {"health_check": {}}}}"#)
      Issue.record("accepted a process without its required keys")
    } catch {
      let messages = error.diagnostics.map { "\($0.path): \($0.message)" }
      for key in ProcessKey.allCases where key.info.isRequired {
        #expect(messages.contains("processes.p: missing required key \"\(key.rawValue)\""))
      }
      for key in HealthCheckKey.allCases where key.info.isRequired {
        #expect(messages.contains("processes.p.health_check: missing required key \"\(key.rawValue)\""))
      }
    }
  }

  @Test func numericKeysCarryTheBoundsTheValidatorApplies() throws {
    func rejects(_ processKey: String, _ literal: String) -> Bool {
      (try? parse(#"{"processes": {"p": {\#(command), \#(processKey): \#(literal)}}}"#)) == nil
    }
    func checkRejects(_ key: HealthCheckKey, _ literal: String) -> Bool {
      rejects(#""health_check""#, #"{\#(check), "\#(key.rawValue)": \#(literal)}"#)
    }
    for key in ProcessKey.allCases where key.info.type == .number {
      let rule = try #require(key.info.numberRule, "\(key.rawValue)")
      #expect(rejects("\"\(key.rawValue)\"", String(rule.maximum + 1)), "\(key.rawValue)")
      #expect(!rejects("\"\(key.rawValue)\"", String(rule.maximum)), "\(key.rawValue)")
      #expect(rejects("\"\(key.rawValue)\"", String(rule.minimum)) == rule.minimumIsExclusive, "\(key.rawValue)")
    }
    for key in HealthCheckKey.allCases where key.info.type == .number || key.info.type == .integer {
      let rule = try #require(key.info.numberRule, "\(key.rawValue)")
      #expect(checkRejects(key, String(rule.maximum + 1)), "\(key.rawValue)")
      #expect(!checkRejects(key, String(Int(rule.maximum))), "\(key.rawValue)")
      #expect(checkRejects(key, String(rule.minimum)) == rule.minimumIsExclusive, "\(key.rawValue)")
    }
  }

  @Test func unknownKeysListTheKeysOfTheirObject() {
    do {
      _ = try parse(#"{"zzzzzz": 1, "processes": {"p": {\#(command), "qqqqqq": 1}}}"#)
      Issue.record("accepted unknown keys")
    } catch {
      let messages = error.diagnostics.map(\.message)
      #expect(messages.contains("unknown key \"zzzzzz\" (valid keys: \(PoolKey.names.joined(separator: ", ")))"))
      #expect(messages.contains("unknown key \"qqqqqq\" (valid keys: \(ProcessKey.names.joined(separator: ", ")))"))
    }
  }

  @Test func enumeratedValuesListTheModelsCases() {
    #expect(ProcessKey.restartPolicy.info.allowedValues == RestartPolicy.allCases.map(\.rawValue))
    #expect(HealthCheckKey.type.info.allowedValues == HealthCheck.Kind.allCases.map(\.rawValue))
    #expect(ConfigDefault.strings(["a\"b", "c\\d\n"]).json == #"["a\"b", "c\\d\n"]"#)
  }
}
