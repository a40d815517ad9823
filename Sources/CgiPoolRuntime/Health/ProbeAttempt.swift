import CHTTPSGet
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A single check of a target.
enum ProbeAttempt {
  /// Why one attempt failed.
  struct Failure: Error {
    var message: String
  }

  /// Checks `target` once, within `timeout` seconds; success carries what was seen.
  static func run(_ target: ProbeTarget, timeout: Double) -> Result<String, Failure> {
    switch target {
    case .port(let host, let port):
      return TCPConnection.open(host: host, port: port, timeout: timeout).map { socket in
        close(socket)
        return "accepting connections"
      }
    case .http(let url):
      return url.scheme?.lowercased() == "https" ? httpsGet(url, timeout: timeout) : httpGet(url, timeout: timeout)
    case .command(let command):
      return ShellCommand.run(command, timeout: timeout)
    }
  }

  /// A plain HTTP/1.0 GET over a socket: cheap to start, no redirects followed.
  static func httpGet(_ url: URL, timeout: Double) -> Result<String, Failure> {
    let request = HTTPRequest(url)
    let deadline = MonotonicClock.now() + timeout
    let socketResult = TCPConnection.open(host: request.host, port: request.port, timeout: timeout)
    guard case .success(let socket) = socketResult else {
      if case .failure(let failure) = socketResult { return .failure(failure) }
      return .failure(Failure(message: "cannot connect"))
    }
    defer { close(socket) }
    guard TCPConnection.sendAll(socket, request.bytes) else {
      return .failure(Failure(message: "connection closed while sending the request"))
    }
    return HTTPRequest.interpret(statusLine: TCPConnection.readStatusLine(socket, deadline: deadline))
  }

  /// The GET a plain-HTTP check sends, and how its answer is read.
  struct HTTPRequest {
    /// The host to connect to.
    var host: String
    /// The port to connect to.
    var port: UInt16
    /// The request, ready to send.
    var bytes: [UInt8]

    /// The request for `url`.
    init(_ url: URL) {
      host = url.host ?? "127.0.0.1"
      port = UInt16(url.port ?? 80)
      // Sent as written: the decoded path could carry spaces or CRLF into the request line.
      let encodedPath = url.path(percentEncoded: true)
      var path = encodedPath.isEmpty ? "/" : encodedPath
      if let query = url.query(percentEncoded: true) { path += "?" + query }
      let hostHeader = host.contains(":") ? "[\(host)]" : host
      bytes = Array("GET \(path) HTTP/1.0\r\nHost: \(hostHeader):\(port)\r\nUser-Agent: cgipool-probe\r\nConnection: close\r\n\r\n".utf8)
    }

    /// 200 is healthy; anything else, or no status line within the timeout, is not.
    static func interpret(statusLine line: String?) -> Result<String, Failure> {
      guard let line else { return .failure(Failure(message: "no HTTP status line within the timeout")) }
      let parts = line.split(separator: " ", maxSplits: 2)
      guard parts.count >= 2, parts[0].hasPrefix("HTTP/") else {
        return .failure(Failure(message: "not an HTTP answer: \(line.prefix(60))"))
      }
      return parts[1] == "200" ? .success("HTTP \(parts[1])") : .failure(Failure(message: "HTTP \(parts.dropFirst().joined(separator: " "))"))
    }

    /// The status line in `buffer` once a line has arrived (or `closed` says no more will), else nil.
    static func statusLine(in buffer: [UInt8], closed: Bool) -> String? {
      if let end = buffer.firstIndex(of: 10) {
        return String(decoding: buffer[..<end], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
      }
      return closed && !buffer.isEmpty ? String(decoding: buffer, as: UTF8.self) : nil
    }
  }

  /// HTTPS through libcurl (loaded on first use), with redirects refused so a 30x counts as unhealthy.
  ///
  /// The server's certificate is verified against the system's CA bundle, so a
  /// self-signed certificate fails with libcurl's words, e.g.
  /// `SSL certificate problem: self-signed certificate`.
  static func httpsGet(_ url: URL, timeout: Double) -> Result<String, Failure> {
    let start = MonotonicClock.now()
    // The host is resolved here, within the timeout, and handed to libcurl (see HostResolver).
    var resolved: String?
    if let host = url.host, !host.isEmpty {
      let port = UInt16(url.port ?? 443)
      if HostResolver.numeric(host: host, port: port) == nil {
        switch HostResolver.shared.resolve(host: host, port: port, timeout: timeout) {
        case .failure(let failure): return .failure(failure)
        case .success(let addresses):
          guard let address = addresses.first, let text = address.numericHost else {
            return .failure(Failure(message: "cannot resolve \(host): no address"))
          }
          resolved = "\(host):\(port):" + (address.family == AF_INET6 ? "[\(text)]" : text)
        }
      }
    }
    var status = 0
    var error = [CChar](repeating: 0, count: 512)
    let remaining = timeout - (MonotonicClock.now() - start)
    let millis = Int(min(max(remaining, 0.001), 86_400) * 1000)
    let code = cgipool_https_get(url.absoluteString, resolved, millis, &status, &error, error.count)
    guard code == 0 else {
      return .failure(Failure(message: String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)))
    }
    return status == 200 ? .success("HTTP 200") : .failure(Failure(message: "HTTP \(status)"))
  }
}
