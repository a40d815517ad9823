import ProcessConfig
import Testing

@Suite("hosts and a process's host")
struct HostsTests {
  func parse(_ text: String) throws(ConfigError) -> PoolConfig { try ConfigText.parse(text, file: "hosts.json") }

  func problems(_ text: String) -> [String] { ConfigText.problems(text, file: "hosts.json") }

  @Test("Hosts map names to [user@]host[:port]; a process names one, or runs here")
  func valid() throws {
    let config = try parse(
      """
      {"hosts": {"web1": "root@web1.example.org", "web2": "ops@[2001:db8::2]:2222"},
       "processes": {"a": {"command": ["true"], "host": "web1"}, "b": {"command": ["true"], "host": "local"},
                     "c": {"command": ["true"]}, "d": {"command": ["true"], "host": null}}}
      """)
    #expect(config.hosts == ["web1": "root@web1.example.org", "web2": "ops@[2001:db8::2]:2222"])
    #expect(config.processes["a"]?.host == "web1")
    #expect(config.processes["b"]?.host == nil)
    #expect(config.processes["c"]?.host == nil)
    #expect(config.processes["d"]?.host == nil)
  }

  @Test("Every problem is named with its place: bad names, bad addresses, unknown hosts")
  func invalid() {
    let found = problems(
      """
      {"hosts": {"local": "x", "bad name": "x", "web1": "root@web1:99999", "web2": 7, "web3": "-oProxyCommand=sh"},
       "processes": {"a": {"command": ["true"], "host": "web4"}, "b": {"command": ["true"], "host": 3},
                     "c": {"command": ["true"], "host": "wbe1"}}}
      """)
    #expect(found.contains { $0.hasPrefix("hosts.local: invalid host name") }, "\(found)")
    #expect(found.contains { $0.contains("bad name") && $0.contains("invalid host name") }, "\(found)")
    #expect(found.contains { $0.hasPrefix("hosts.web1: invalid host \"root@web1:99999\"") }, "\(found)")
    #expect(found.contains { $0.hasPrefix("hosts.web2: expected a string") }, "\(found)")
    #expect(found.contains { $0.hasPrefix("hosts.web3: invalid host") && $0.contains("option") }, "\(found)")
    #expect(found.contains { $0.hasPrefix("processes.a.host: unknown host \"web4\"") }, "\(found)")
    #expect(found.contains { $0.hasPrefix("processes.b.host: expected a string") }, "\(found)")
    #expect(found.contains { $0.hasPrefix("processes.c.host: unknown host \"wbe1\"") }, "\(found)")
    #expect(found.count == 8, "\(found)")
  }

  @Test("A misspelt host gets a suggestion")
  func suggestion() {
    #expect(problems(#"{"hosts": {"web1": "w1", "db": "d"}, "processes": {"a": {"command": ["true"], "host": "wed1"}}}"#)
      == ["processes.a.host: unknown host \"wed1\" (did you mean \"web1\"?)"])
  }

  @Test("A host without a hosts map is an error that says so")
  func noHosts() {
    #expect(problems(#"{"processes": {"a": {"command": ["true"], "host": "web1"}}}"#)
      == ["processes.a.host: unknown host \"web1\" (the config has no hosts)"])
  }
}
