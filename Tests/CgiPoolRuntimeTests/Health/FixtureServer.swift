import CgiPoolTestSupport
import Foundation
import Testing

/// `Fixtures/http_fixture.py` running on 127.0.0.1 for one test; `stop()` ends it by its PID.
final class FixtureServer {
  /// The port it listens on.
  let port: Int
  private let pid: pid_t
  private let folder: String

  /// Starts the server (TLS with `certificate` and `key`) and waits for its port.
  init(certificate: String? = nil, key: String? = nil) throws {
    folder = NSTemporaryDirectory() + "cgipool-http-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let portFile = folder + "/port"
    var arguments = ["/usr/bin/env", "python3", RuntimeHarness.fixtures + "/http_fixture.py", portFile]
    if let certificate, let key { arguments += [certificate, key] }
    pid = try Self.spawn(arguments)
    guard let port = RuntimeHarness.stamp(portFile, timeout: 10) else {
      kill(pid, SIGKILL)
      var status: Int32 = 0
      waitpid(pid, &status, 0)
      throw FixtureError("the HTTP fixture did not start")
    }
    self.port = Int(port)
  }

  /// `http://127.0.0.1:<port><path>` (or https).
  func url(_ path: String, tls: Bool = false) -> String {
    "\(tls ? "https" : "http")://127.0.0.1:\(port)\(path)"
  }

  /// Ends the server and removes its folder.
  func stop() {
    kill(pid, SIGKILL)
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    try? FileManager.default.removeItem(atPath: folder)
  }

  /// `posix_spawn` with default signal handling and an empty signal mask: a test thread's
  /// blocked signals would otherwise be inherited (Foundation's `Process` passes them on).
  static func spawn(_ argv: [String]) throws -> pid_t {
    do {
      return try CleanSpawn.spawn(argv, stderr: nil)
    } catch {
      throw FixtureError("cannot start \(argv[0]): \(error)")
    }
  }
}

/// A listening TCP socket owned by a test.
final class TCPListener {
  /// The bound port.
  let port: Int
  private let fd: Int32

  /// Listens on `host` (`127.0.0.1` or `::1`) on a free port; `nil` when the address is unavailable.
  init?(host: String) {
    let v6 = host.contains(":")
    let fd = socket(v6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    var bound: Int32
    var port: UInt16 = 0
    if v6 {
      var address = sockaddr_in6()
      address.sin6_family = sa_family_t(AF_INET6)
      guard inet_pton(AF_INET6, host, &address.sin6_addr) == 1 else { close(fd); return nil }
      var length = socklen_t(MemoryLayout<sockaddr_in6>.size)
      bound = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
      _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
      port = UInt16(bigEndian: address.sin6_port)
    } else {
      var address = sockaddr_in()
      address.sin_family = sa_family_t(AF_INET)
      address.sin_addr.s_addr = inet_addr(host)
      var length = socklen_t(MemoryLayout<sockaddr_in>.size)
      bound = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
      _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
      port = UInt16(bigEndian: address.sin_port)
    }
    guard bound == 0, listen(fd, 16) == 0 else { close(fd); return nil }
    self.fd = fd
    self.port = Int(port)
  }

  deinit { close(fd) }
}

/// A fixture that could not be set up.
struct FixtureError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
