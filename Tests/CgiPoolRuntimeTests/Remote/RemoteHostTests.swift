import CgiPoolRuntime
import ProcessConfig
import Foundation
import SystemdBus
import Testing

#if canImport(Glibc)
  import Glibc
#endif

@Suite("Remote hosts: [USER@]HOST[:PORT], ssh command lines, the connect timeout")
struct RemoteHostTests {
  @Test("The forms systemctl -H takes parse into user, host and port")
  func parsing() throws {
    let full = try #require(RemoteHost("root@web1.example.org:2222"))
    #expect(full.user == "root" && full.hostname == "web1.example.org" && full.port == 2222)
    #expect(full.sshArguments == ["-p", "2222", "root@web1.example.org"])
    let bare = try #require(RemoteHost("web1"))
    #expect(bare.user == nil && bare.port == nil && bare.sshArguments == ["web1"])
    let v6 = try #require(RemoteHost("admin@[::1]:22"))
    #expect(v6.hostname == "::1" && v6.port == 22 && v6.sshArguments == ["-p", "22", "admin@::1"])
    #expect(RemoteHost("[fe80::1]")?.hostname == "fe80::1")
  }

  @Test(
    "Bad hosts are refused with a reason, never handed to ssh",
    arguments: ["", "-oProxyCommand=x", "root@", "@host", "host:", "host:0", "host:65536", "host:22x", "a b", "a\nb", "[::1", "[::1]x", "root@-evil", "h/x"])
  func refused(_ spec: String) {
    #expect(RemoteHost(spec) == nil)
    #expect(RemoteHost.problem(spec) != nil)
  }

  @Test("Remote words reach the remote shell unchanged: each is single-quoted once")
  func quoting() throws {
    let host = try #require(RemoteHost("root@h:2200"))
    let words = ["/opt/cgipool", "logs", "--config", "/srv/it's a pool/p.json", "$HOME", "a;b", "`x`", "\\", ""]
    let command = RemoteCommand(host: host, arguments: words, connectTimeout: 2.5)
    let argv = command.sshArgv
    #expect(Array(argv.prefix(7)) == ["ssh", "-o", "ConnectTimeout=3", "-p", "2200", "root@h", "--"])
    // The remote side is /bin/sh -c <line>: run the line through a real shell and compare.
    let line = try #require(argv.last)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", "for w in " + line + "; do printf '%s\\0' \"$w\"; done"]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let echoed = String(decoding: data, as: UTF8.self).split(separator: "\0", omittingEmptySubsequences: false).dropLast().map(String.init)
    #expect(echoed == words)
  }

  @Test("A remote selection points at the remote endpoint without connecting")
  func locatorCandidate() {
    let locator = ManagerLocator(selection: .remote("root@web1:2222"), pool: "i16-unit")
    let endpoint = locator.candidate()
    #expect(endpoint?.kind == .remote)
    #expect(endpoint?.host == "root@web1:2222")
    #expect(endpoint?.description == "system manager on root@web1:2222")
  }

  @Test("A host that accepts the connection but never answers costs the connect timeout, not a hang")
  func silentHostIsBounded() throws {
    // A listening socket nobody accepts on: the kernel completes the TCP handshake and ssh then
    // waits for a banner that never comes.
    let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    try #require(listener >= 0)
    defer { close(listener) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
    try #require(bound == 0 && listen(listener, 8) == 0)
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
    let port = Int(UInt16(bigEndian: address.sin_port))

    var locator = ManagerLocator(selection: .remote("root@127.0.0.1:\(port)"), pool: "i16-unit")
    locator.connectTimeout = .milliseconds(800)
    let clock = ContinuousClock()
    let started = clock.now
    #expect(throws: ManagerError.self) { _ = try locator.locate(startPrivate: false) }
    let elapsed = started.duration(to: clock.now)
    #expect(elapsed >= .milliseconds(750))
    #expect(elapsed < .seconds(5), "connecting took \(elapsed)")
  }
}
