import Testing

@testable import ProcessConfig

/// `sandbox`: levels, the pool default, per-process overrides and every rejection with its path.
@Suite struct SandboxConfigTests {
  private func parse(_ text: String) throws(ConfigError) -> PoolConfig { try ConfigText.parse(text) }

  private func problems(_ text: String) -> [String] { ConfigText.problems(text) }

  @Test func withoutTheKeyEveryProcessGetsTheDefaultLevel() throws {
    let config = try parse(#"{"processes": {"a": {"command": ["x"]}}}"#)
    #expect(config.sandbox == Sandbox())
    #expect(config.processes["a"]?.sandbox == Sandbox(level: .default))
    #expect(Sandbox().memoryDenyWriteExecute)
    #expect(Sandbox().capabilities.isEmpty)
  }

  @Test func aProcessOverridesThePoolFieldByField() throws {
    let config = try parse(
      #"""
      {"sandbox": {"level": "strict", "writable": ["data"], "user": "www-data"},
       "processes": {
         "a": {"command": ["x"]},
         "b": {"command": ["x"], "sandbox": "default"},
         "c": {"command": ["x"], "sandbox": {"capabilities": ["net_bind_service", "CAP_KILL"], "memory_deny_write_execute": false}},
         "d": {"command": ["x"], "sandbox": {"level": "none", "dynamic_user": true, "writable": []}}
       }}
      """#)
    #expect(config.sandbox == Sandbox(level: .strict, writable: ["data"], user: "www-data"))
    #expect(config.processes["a"]?.sandbox == config.sandbox)
    #expect(config.processes["b"]?.sandbox == Sandbox(level: .default, writable: ["data"], user: "www-data"))
    #expect(
      config.processes["c"]?.sandbox
        == Sandbox(
          level: .strict, writable: ["data"], capabilities: [.kill, .netBindService], user: "www-data",
          memoryDenyWriteExecute: false))
    #expect(config.processes["d"]?.sandbox == Sandbox(level: .none, writable: [], user: "www-data", dynamicUser: true))
  }

  @Test func everyBadFieldIsReportedAtItsPath() {
    let found = problems(
      #"""
      {"sandbox": "strcit",
       "processes": {
         "a": {"command": ["x"], "sandbox": {"level": 3, "writable": ["", "a\tb", " x", 5], "capabilities": ["CAP_NET_BIND_SERVIC", "nope"],
                                             "user": "-bad", "dynamic_user": "yes", "memory_deny_write_execute": 1, "jit": true}},
         "b": {"command": ["x"], "sandbox": {"user": "123", "dynamic_user": true}},
         "c": {"command": ["x"], "sandbox": ["strict"]},
         "d": {"command": ["x"], "sandbox": {"user": "4294967295"}}
       }}
      """#)
    let expected = [
      #"processes.a.sandbox.capabilities[0]: unknown capability "CAP_NET_BIND_SERVIC" (did you mean "CAP_NET_BIND_SERVICE"?)"#,
      #"processes.a.sandbox.capabilities[1]: unknown capability "nope""#,
      #"processes.a.sandbox.dynamic_user: expected true or false, found a string"#,
      #"processes.a.sandbox.jit: unknown key "jit" (valid keys: capabilities, dynamic_user, level, memory_deny_write_execute, user, writable)"#,
      #"processes.a.sandbox.level: expected a string, found a number"#,
      #"processes.a.sandbox.memory_deny_write_execute: expected true or false, found a number"#,
      #"processes.a.sandbox.user: invalid user name "-bad": use 1 to 31 letters, digits, '_' or '-', starting with a letter or '_' (or a numeric user id)"#,
      #"processes.a.sandbox.writable[0]: the writable path is empty"#,
      #"processes.a.sandbox.writable[1]: the writable path "a\tb" contains a control character, which a unit file cannot hold"#,
      #"processes.a.sandbox.writable[2]: the writable path " x" starts or ends with white space, which a unit file cannot hold"#,
      #"processes.a.sandbox.writable[3]: expected a string, found a number"#,
      #"processes.b.sandbox.user: dynamic_user needs a user name, not the number "123""#,
      #"processes.c.sandbox: expected a level (strict, default, none) or an object with "level", found an array"#,
      #"processes.d.sandbox.user: invalid user id "4294967295""#,
      #"sandbox: unknown sandbox level "strcit" (did you mean "strict"?)"#,
    ]
    #expect(found.sorted() == expected.sorted(), "\(found.joined(separator: "\n"))")
  }

  @Test func capabilityNamesRoundTrip() {
    for capability in Capability.allCases {
      #expect(Capability(name: capability.name) == capability)
      #expect(capability.bit == 1 << UInt64(capability.rawValue))
    }
    #expect(Capability.netBindService.name == "CAP_NET_BIND_SERVICE")
    #expect(Capability.netBindService.rawValue == 10)
    #expect(Capability.checkpointRestore.rawValue == 40)
  }
}
