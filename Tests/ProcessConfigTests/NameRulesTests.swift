import Testing

@testable import ProcessConfig

/// Names that must become unit names, environment names and probe targets.
@Suite struct NameRulesTests {
  @Test func processNames() {
    for name in ["a", "pool_manager", "yarp-proxy", "_x", "9", String(repeating: "a", count: 64)] {
      #expect(NameRules.isValidProcessName(name), "\(name)")
    }
    for name in ["", "-a", "a.b", "a b", "é", "a/b", "a@b", String(repeating: "a", count: 65)] {
      #expect(!NameRules.isValidProcessName(name), "\(name)")
    }
  }

  @Test func poolNames() {
    for name in ["cgipool", "my.pool", "a-b", "_", "x.", String(repeating: "p", count: 64)] {
      #expect(NameRules.isValidPoolName(name), "\(name)")
    }
    for name in ["", "a--b", "a-", "-a", ".a", "a b", String(repeating: "p", count: 65)] {
      #expect(!NameRules.isValidPoolName(name), "\(name)")
    }
  }

  @Test func environmentNames() {
    for name in ["PATH", "_", "a1", "POOL_SIZE"] {
      #expect(NameRules.isValidEnvironmentName(name), "\(name)")
    }
    for name in ["", "1A", "A-B", "A B", "A=B", "Ä"] {
      #expect(!NameRules.isValidEnvironmentName(name), "\(name)")
    }
  }

  @Test func portTargets() {
    for target in ["1", "8080", "65535", "localhost:8080", "10.0.0.1:80", "[::1]:8080", "[fe80::1%eth0]:80"] {
      #expect(NameRules.isValidPortTarget(target), "\(target)")
    }
    for target in ["", "0", "65536", "123456", "-1", "localhost", ":80", "host:", "::1:80", "[::1]", "[::1]80", "[]:80", "a b:80", "host:0"] {
      #expect(!NameRules.isValidPortTarget(target), "\(target)")
    }
  }

  @Test func httpTargets() {
    for target in ["http://localhost", "https://example.com:8443/a?b=c", "HTTP://127.0.0.1:8001/health", "http://[::1]:80/"] {
      #expect(NameRules.isValidHTTPTarget(target), "\(target)")
    }
    for target in ["", "localhost:80", "ftp://host/", "http://", "http:///x", "http://a b/", "//host/path", "http://host:99999/"] {
      #expect(!NameRules.isValidHTTPTarget(target), "\(target)")
    }
  }

  @Test func suggestionsPickTheClosestName() {
    #expect(Suggestion.closest(to: "restart_polcy", among: ProcessKey.names) == "restart_policy")
    #expect(Suggestion.closest(to: "pool_manger", among: ["pool_manager", "yarp_proxy"]) == "pool_manager")
    #expect(Suggestion.closest(to: "Command", among: ProcessKey.names) == "command")
    #expect(Suggestion.closest(to: "colour", among: ProcessKey.names) == nil)
    // Equal distance: the alphabetically first wins, so output is stable.
    #expect(Suggestion.closest(to: "ab", among: ["ac", "aa"]) == "aa")
  }
}
