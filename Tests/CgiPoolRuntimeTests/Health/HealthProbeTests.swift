import CgiPoolRuntime
import Foundation
import Testing

/// Probes against real listeners, HTTP servers and shell commands.
struct HealthProbeTests {
  static let ipv6Available: Bool = TCPListener(host: "::1") != nil

  func probe(_ target: ProbeTarget, timeout: Double = 1) -> ProbeOutcome {
    HealthProbe(target: target, timeout: timeout).run()
  }

  @Test func portIsHealthyWhenSomethingListens() throws {
    let listener = try #require(TCPListener(host: "127.0.0.1"))
    let outcome = probe(.port(host: "127.0.0.1", port: UInt16(listener.port)))
    #expect(outcome.healthy, "\(outcome)")
    #expect(outcome.message.hasPrefix("port 127.0.0.1:\(listener.port): accepting connections (1 attempt in "), "\(outcome)")
  }

  @Test(.enabled(if: HealthProbeTests.ipv6Available, "::1 is not available on this machine"))
  func ipv6PortTargetReachesTheIPv6Listener() throws {
    let listener = try #require(TCPListener(host: "::1"))
    let target = try ProbeTarget.parse(kind: .port, target: "[::1]:\(listener.port)").get()
    let outcome = probe(target)
    #expect(outcome.healthy, "\(outcome)")
    #expect(outcome.message.hasPrefix("port [::1]:\(listener.port): accepting connections"), "\(outcome)")
  }

  @Test func closedPortFailsAfterTheTimeoutSayingConnectionRefused() {
    let port = UInt16(RuntimeHarness.freePort())
    let outcome = probe(.port(host: "127.0.0.1", port: port), timeout: 0.3)
    #expect(!outcome.healthy)
    #expect(outcome.elapsed >= 0.3)
    #expect(outcome.attempts > 10, "retries at the fast pace: \(outcome)")
    #expect(outcome.message.hasPrefix("port 127.0.0.1:\(port): connection refused; gave up after "), "\(outcome)")
    #expect(outcome.message.hasSuffix(", timeout 0.30s"), "\(outcome)")
  }

  @Test func unresolvableHostIsNamed() {
    let outcome = probe(.port(host: "no-such-host.invalid", port: 80), timeout: 0.1)
    #expect(!outcome.healthy)
    #expect(outcome.message.contains("cannot resolve no-such-host.invalid"), "\(outcome)")
  }

  @Test func httpAnswersAreJudgedByTheirStatus() throws {
    let server = try FixtureServer()
    defer { server.stop() }
    let ok = probe(.http(URL(string: server.url("/ok"))!))
    #expect(ok.healthy && ok.message.hasPrefix("http \(server.url("/ok")): HTTP 200"), "\(ok)")
    // A redirect is not followed: the target itself must answer 200.
    let redirect = probe(.http(URL(string: server.url("/redirect"))!), timeout: 0.2)
    #expect(!redirect.healthy)
    #expect(redirect.message.hasPrefix("http \(server.url("/redirect")): HTTP 302 Found; gave up"), "\(redirect)")
    let error = probe(.http(URL(string: server.url("/error?x=%20"))!), timeout: 0.2)
    #expect(!error.healthy)
    #expect(error.message.contains(": HTTP 503 Service Unavailable; gave up"), "\(error)")
  }

  @Test func httpAttemptThatHangsIsCutAtItsTimeout() throws {
    let server = try FixtureServer()
    defer { server.stop() }
    let outcome = HealthProbe(target: .http(URL(string: server.url("/hang"))!), timeout: 0.5).checkOnce()
    #expect(!outcome.healthy)
    #expect(outcome.message == "http \(server.url("/hang")): no HTTP status line within the timeout (one check, timeout 0.50s)")
    #expect(outcome.elapsed < 5, "the attempt ignored its timeout: \(outcome.elapsed)s")
  }

  @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"), "openssl is not installed"))
  func httpsVerifiesTheCertificateAgainstTheSystemStore() throws {
    let folder = NSTemporaryDirectory() + "cgipool-tls-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let openssl = Process()
    openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
    openssl.arguments = [
      "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", folder + "/key.pem", "-out", folder + "/cert.pem",
      "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
    ]
    openssl.standardError = FileHandle.nullDevice
    try openssl.run()
    openssl.waitUntilExit()
    try #require(openssl.terminationStatus == 0)
    let server = try FixtureServer(certificate: folder + "/cert.pem", key: folder + "/key.pem")
    defer { server.stop() }
    // A self-signed certificate is not in the system store: the probe says so rather than trusting it.
    let outcome = HealthProbe(target: .http(URL(string: server.url("/ok", tls: true))!), timeout: 2).checkOnce()
    #expect(!outcome.healthy)
    #expect(outcome.message.contains("SSL certificate problem: self-signed certificate"), "\(outcome)")
  }

  @Test func commandOutputIsKeptInTheFailureMessage() {
    let outcome = HealthProbe(target: .command("echo warming up; echo 'db: refused' >&2; exit 3"), timeout: 1).checkOnce()
    #expect(!outcome.healthy)
    #expect(outcome.message == "command 'echo warming up; echo 'db: refused' >&2; exit 3': exit 3, output: warming up | db: refused (one check, timeout 1.00s)")
    let ok = HealthProbe(target: .command("echo fine"), timeout: 1).checkOnce()
    #expect(ok.healthy && ok.message == "command 'echo fine': exit 0, output: fine", "\(ok)")
  }

  @Test func commandThatHangsIsKilledWithWhatItStarted() throws {
    let folder = NSTemporaryDirectory() + "cgipool-cmd-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let outcome = HealthProbe(target: .command("sleep 30 & echo $! > \(folder)/child; echo waiting; wait"), timeout: 0.3).checkOnce()
    #expect(!outcome.healthy)
    #expect(outcome.message.contains(": still running after 0.3s, killed, output: waiting"), "\(outcome)")
    let child = Int32(try #require(RuntimeHarness.stamp(folder + "/child")))
    #expect(RuntimeHarness.eventually(timeout: 5) { !RuntimeHarness.isAlive(child) }, "the command's child \(child) survived")
  }

  @Test func probeGivesUpWhenTheWatchedProcessHasEnded() throws {
    let child = Process()
    child.executableURL = URL(fileURLWithPath: "/bin/true")
    try child.run()
    child.waitUntilExit()
    let port = UInt16(RuntimeHarness.freePort())
    let outcome = HealthProbe(target: .port(host: "127.0.0.1", port: port), timeout: 20, delay: 5, mainPID: child.processIdentifier).run()
    #expect(!outcome.healthy)
    #expect(outcome.message == "port 127.0.0.1:\(port): the process (PID \(child.processIdentifier)) ended before it became healthy (0 attempts in 0.00s)")
  }

  @Test func probeKeepsWaitingWhileTheWatchedProcessRuns() throws {
    let listener = try #require(TCPListener(host: "127.0.0.1"))
    let outcome = HealthProbe(target: .port(host: "127.0.0.1", port: UInt16(listener.port)), timeout: 1, mainPID: getpid()).run()
    #expect(outcome.healthy, "\(outcome)")
  }
}
