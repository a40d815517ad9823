import ProcessConfig
import Testing

/// `listen`: the addresses systemd holds for a process, and the probes that would prove nothing.
@Suite struct ListenConfigTests {
  static func config(_ listen: String, health: String? = nil) -> String {
    let check = health.map { #", "health_check": \#($0)"# } ?? ""
    return #"{"processes": {"web": {"command": ["/bin/web"], "listen": \#(listen)\#(check)}}}"#
  }

  @Test func oneAddressOrSeveral() throws {
    let one = try ConfigText.parse(Self.config(#""127.0.0.1:9001""#))
    #expect(one.processes["web"]?.listen == [.tcp(host: "127.0.0.1", port: 9001)])
    let several = try ConfigText.parse(Self.config(#"["0.0.0.0:8080", "[::1]:8081", "[::]:8082", "/run/web.sock"]"#))
    #expect(several.processes["web"]?.listen.map(\.description) == ["0.0.0.0:8080", "[::1]:8081", "[::]:8082", "/run/web.sock"])
    let none = try ConfigText.parse(#"{"processes": {"web": {"command": ["/bin/web"]}}}"#)
    #expect(none.processes["web"]?.listen == [])
  }

  @Test(arguments: [
    "localhost:80", "127.0.0.1", "127.0.0.1:0", "127.0.0.1:65536", "256.0.0.1:80", "01.2.3.4:80", "::1:80",
    "[::1]", "[::g]:80", "[1::2::3]:80", ":80", "80", "", "relative.sock", "127.0.0.1:8a",
  ])
  func invalidAddressesNameTheFileAndPath(_ text: String) {
    let problems = ConfigText.problems(Self.config("\"\(text)\""))
    #expect(problems.count == 1)
    #expect(problems.first?.hasPrefix("processes.web.listen: invalid listen address \"\(text)\": expected an IPv4 address and port") == true, "\(problems)")
  }

  @Test func otherMistakes() {
    #expect(ConfigText.problems(Self.config("[]")) == [
      "processes.web.listen: expected at least one address; leave listen out for a process that binds its own port"
    ])
    #expect(ConfigText.problems(Self.config("9001")).first?.hasPrefix("processes.web.listen: expected an address such as") == true)
    #expect(ConfigText.problems(Self.config(#"["127.0.0.1:1", "127.0.0.1:1"]"#)) == [#"processes.web.listen[1]: "127.0.0.1:1" is listed twice"#])
    #expect(ConfigText.problems(Self.config(#""/run/a b.sock""#)).first?.contains("may not contain spaces") == true)
    let long = "/" + String(repeating: "s", count: 120)
    #expect(ConfigText.problems(Self.config("\"\(long)\"")).first?.contains("at most 107 bytes") == true)
    let twice = #"{"processes": {"a": {"command": ["/bin/a"], "listen": "127.0.0.1:9"}, "b": {"command": ["/bin/b"], "listen": ["/x", "127.0.0.1:9"]}}}"#
    #expect(ConfigText.problems(twice) == [
      #"processes.b.listen[1]: "127.0.0.1:9" is already held for process "a"; two processes cannot listen on one address"#
    ])
  }

  @Test(arguments: [
    (#""127.0.0.1:9001""#, #"{"type": "port", "target": "9001"}"#),
    (#""127.0.0.1:9001""#, #"{"type": "port", "target": "localhost:9001"}"#),
    (#""127.0.0.1:9001""#, #"{"type": "http", "target": "http://127.0.0.1:9001/health"}"#),
    (#""127.0.0.1:9001""#, #"{"type": "http", "target": "http://localhost:9001"}"#),
    (#""0.0.0.0:80""#, #"{"type": "http", "target": "http://10.1.2.3/"}"#),
    (#""[::]:443""#, #"{"type": "http", "target": "https://[::1]/ok"}"#),
    (#"["/run/w.sock", "[::1]:9001"]"#, #"{"type": "port", "target": "[::1]:9001"}"#),
  ])
  func aProbeOfAHeldAddressIsRefused(_ listen: String, _ check: String) {
    let problems = ConfigText.problems(Self.config(listen, health: check))
    #expect(problems.count == 1, "\(problems)")
    #expect(problems.first?.hasPrefix("processes.web.health_check.target: the health check probes") == true, "\(problems)")
    #expect(problems.first?.contains("the socket answers before the process runs, so the probe proves nothing") == true)
  }

  @Test func replicasShareTCPAddressesButNotUnixSockets() throws {
    let tcp = try ConfigText.parse(#"{"processes": {"w": {"command": ["/bin/w"], "replicas": 3, "listen": "127.0.0.1:9001"}}}"#)
    #expect(tcp.processes["w@3"]?.listen == [.tcp(host: "127.0.0.1", port: 9001)])
    #expect(ConfigText.problems(#"{"processes": {"w": {"command": ["/bin/w"], "replicas": 2, "listen": ["127.0.0.1:1", "/run/w.sock"]}}}"#) == [
      #"processes.w.listen: "/run/w.sock" is a Unix socket, which replicas cannot share; give a replicated process TCP addresses"#
    ])
    // Each replica's own health port is fine; a placeholder that lands on the held port for one replica is not.
    let own = #"{"processes": {"w": {"command": ["/bin/w"], "replicas": 2, "listen": "127.0.0.1:9001", "health_check": {"type": "port", "target": "910{replica}"}}}}"#
    #expect(ConfigText.problems(own) == [])
    let held = #"{"processes": {"w": {"command": ["/bin/w"], "replicas": 2, "listen": "127.0.0.1:9002", "health_check": {"type": "port", "target": "900{replica}"}}}}"#
    #expect(ConfigText.problems(held).first?.hasPrefix(#"processes.w.health_check.target: the health check probes "9002""#) == true, "\(ConfigText.problems(held))")
  }

  @Test(arguments: [
    (#""127.0.0.1:9001""#, #"{"type": "port", "target": "9101"}"#),
    (#""127.0.0.1:9001""#, #"{"type": "http", "target": "http://127.0.0.1:9101/health"}"#),
    (#""127.0.0.1:9001""#, #"{"type": "port", "target": "127.0.0.2:9001"}"#),
    (#""127.0.0.1:80""#, #"{"type": "http", "target": "https://127.0.0.1/"}"#),
    (#""127.0.0.1:9001""#, #"{"type": "command", "target": "curl -sf http://127.0.0.1:9001/"}"#),
  ])
  func aProbeOfAnotherAddressIsAccepted(_ listen: String, _ check: String) throws {
    let pool = try ConfigText.parse(Self.config(listen, health: check))
    #expect(pool.processes["web"]?.healthCheck != nil)
  }
}
