import CgiPoolRuntime
import Foundation
import ProcessConfig
import Testing

/// `health_check.target` parsing: what each kind accepts and how it is named in messages.
struct ProbeTargetTests {
  @Test(arguments: [
    ("8080", "127.0.0.1", 8080),
    ("localhost:9000", "localhost", 9000),
    ("10.1.2.3:1", "10.1.2.3", 1),
    ("[::1]:8080", "::1", 8080),
    ("[fe80::1%lo]:65535", "fe80::1%lo", 65535),
  ])
  func portTargets(text: String, host: String, port: Int) throws {
    let target = try ProbeTarget.parse(kind: .port, target: text).get()
    #expect(target == .port(host: host, port: UInt16(port)))
  }

  @Test(arguments: ["", "0", "65536", "-1", "http", "host:", ":8080", "::1:8080", "[::1]", "[::1]8080", "[]:80", "a:b:c", "8080 "])
  func invalidPortTargets(text: String) {
    guard case .failure(let error) = ProbeTarget.parse(kind: .port, target: text) else {
      Issue.record("\"\(text)\" should not parse")
      return
    }
    #expect(error.message == "port target \"\(text)\" is not PORT, HOST:PORT or [IPv6]:PORT")
  }

  @Test func httpTargetsKeepTheURL() throws {
    for text in ["http://localhost:8001/health", "https://example.test/ready?x=1", "HTTP://127.0.0.1/", "http://[::1]:8080/a%20b"] {
      #expect(try ProbeTarget.parse(kind: .http, target: text).get() == .http(URL(string: text)!))
    }
  }

  @Test(arguments: ["localhost:8080", "ftp://host/file", "http://", "/health", "8080"])
  func invalidHttpTargets(text: String) {
    #expect(ProbeTarget.parse(kind: .http, target: text) == .failure(ProbeError("http target \"\(text)\" is not an http(s) URL")))
  }

  @Test func commandTargetsAreTakenAsWritten() throws {
    #expect(try ProbeTarget.parse(kind: .command, target: "test -e ready && curl -s x").get() == .command("test -e ready && curl -s x"))
    #expect(ProbeTarget.parse(kind: .command, target: "") == .failure(ProbeError("command target is empty")))
  }

  @Test func descriptionsNameTheTarget() throws {
    func describe(_ kind: HealthCheck.Kind, _ text: String) throws -> String {
      HealthProbe(target: try ProbeTarget.parse(kind: kind, target: text).get(), timeout: 1).describe()
    }
    #expect(try describe(.port, "8080") == "port 127.0.0.1:8080")
    #expect(try describe(.port, "[::1]:81") == "port [::1]:81")
    #expect(try describe(.http, "http://h:1/x") == "http http://h:1/x")
    #expect(try describe(.command, "true") == "command 'true'")
  }
}
