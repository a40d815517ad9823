import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Minimal blocking-with-deadline TCP helpers for probes.
enum TCPConnection {
  /// Connects to `host:port` within `timeout`; returns the connected socket.
  static func open(host: String, port: UInt16, timeout: Double) -> Result<Int32, ProbeAttempt.Failure> {
    let start = MonotonicClock.now()
    let addresses: [HostResolver.Address]
    switch HostResolver.shared.resolve(host: host, port: port, timeout: timeout) {
    case .success(let found): addresses = found
    case .failure(let failure): return .failure(failure)
    }
    // Connecting gets what the look-up left of the attempt's time.
    let timeout = max(0.001, timeout - (MonotonicClock.now() - start))
    var lastError = "no address"
    for var address in addresses {
      let fd = socket(address.family, address.socketType | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), address.socketProtocol)
      if fd < 0 { lastError = String(cString: strerror(errno)); continue }
      let connected = withUnsafePointer(to: &address.storage) { storage in
        storage.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, address.length) }
      }
      if connected == 0 { return .success(fd) }
      guard errno == EINPROGRESS else {
        lastError = String(cString: strerror(errno)).lowercased()
        close(fd)
        continue
      }
      var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
      let ready = poll(&poller, 1, Int32(max(1, timeout * 1000)))
      if ready <= 0 {
        lastError = "no answer within \(timeout)s"
        close(fd)
        continue
      }
      var socketError: Int32 = 0
      var length = socklen_t(MemoryLayout<Int32>.size)
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &socketError, &length)
      if socketError == 0 { return .success(fd) }
      lastError = String(cString: strerror(socketError)).lowercased()
      close(fd)
    }
    return .failure(ProbeAttempt.Failure(message: lastError))
  }

  /// Writes all of `bytes`, waiting for the socket as needed.
  static func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    var offset = 0
    while offset < bytes.count {
      let written = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
      if written > 0 {
        offset += written
      } else if written < 0 && (errno == EAGAIN || errno == EINTR) {
        var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        _ = poll(&poller, 1, 1000)
      } else {
        return false
      }
    }
    return true
  }

  /// Reads until the first CRLF (the HTTP status line) or the deadline.
  static func readStatusLine(_ fd: Int32, deadline: Double) -> String? {
    var buffer: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 512)
    while buffer.count < 8192 {
      if let end = buffer.firstIndex(of: 10) {
        return String(decoding: buffer[..<end], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
      }
      let remaining = deadline - MonotonicClock.now()
      if remaining <= 0 { return nil }
      var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
      if poll(&poller, 1, Int32(max(1, remaining * 1000))) <= 0 { return nil }
      let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
      if count == 0 { break }
      if count < 0 {
        if errno == EAGAIN || errno == EINTR { continue }
        return nil
      }
      buffer += chunk[..<count]
    }
    return buffer.isEmpty ? nil : String(decoding: buffer, as: UTF8.self)
  }
}
