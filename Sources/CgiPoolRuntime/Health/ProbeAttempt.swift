import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif
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
    let host = url.host ?? "127.0.0.1"
    let port = UInt16(url.port ?? 80)
    let deadline = MonotonicClock.now() + timeout
    let socketResult = TCPConnection.open(host: host, port: port, timeout: timeout)
    guard case .success(let socket) = socketResult else {
      if case .failure(let failure) = socketResult { return .failure(failure) }
      return .failure(Failure(message: "cannot connect"))
    }
    defer { close(socket) }
    // Sent as written: the decoded path could carry spaces or CRLF into the request line.
    let encodedPath = url.path(percentEncoded: true)
    var path = encodedPath.isEmpty ? "/" : encodedPath
    if let query = url.query(percentEncoded: true) { path += "?" + query }
    let hostHeader = host.contains(":") ? "[\(host)]" : host
    let request = "GET \(path) HTTP/1.0\r\nHost: \(hostHeader):\(port)\r\nUser-Agent: cgipool-probe\r\nConnection: close\r\n\r\n"
    guard TCPConnection.sendAll(socket, Array(request.utf8)) else {
      return .failure(Failure(message: "connection closed while sending the request"))
    }
    guard let line = TCPConnection.readStatusLine(socket, deadline: deadline) else {
      return .failure(Failure(message: "no HTTP status line within the timeout"))
    }
    let parts = line.split(separator: " ", maxSplits: 2)
    guard parts.count >= 2, parts[0].hasPrefix("HTTP/") else {
      return .failure(Failure(message: "not an HTTP answer: \(line.prefix(60))"))
    }
    return parts[1] == "200" ? .success("HTTP \(parts[1])") : .failure(Failure(message: "HTTP \(parts.dropFirst().joined(separator: " "))"))
  }

  /// HTTPS through URLSession, with redirects refused so a 30x counts as unhealthy.
  ///
  /// The server's certificate is verified against the system's CA bundle
  /// (FoundationNetworking offers no way to trust one more certificate), so a
  /// self-signed certificate fails with libcurl's words, e.g.
  /// `SSL certificate problem: self-signed certificate`.
  static func httpsGet(_ url: URL, timeout: Double) -> Result<String, Failure> {
    let delegate = NoRedirects()
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = timeout
    let session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
    defer { session.invalidateAndCancel() }
    let done = DispatchSemaphore(value: 0)
    let box = ResultBox()
    session.dataTask(with: url) { _, response, error in
      if let http = response as? HTTPURLResponse {
        box.result = http.statusCode == 200 ? .success("HTTP 200") : .failure(Failure(message: "HTTP \(http.statusCode)"))
      } else {
        box.result = .failure(Failure(message: error.map { "\($0.localizedDescription)" } ?? "no answer"))
      }
      done.signal()
    }.resume()
    if done.wait(timeout: .now() + timeout + 0.5) == .timedOut {
      return .failure(Failure(message: "no answer within \(timeout)s"))
    }
    return box.result ?? .failure(Failure(message: "no answer"))
  }

  private final class NoRedirects: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    func urlSession(
      _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
      newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
      completionHandler(nil)
    }
  }

  private final class ResultBox: @unchecked Sendable {
    var result: Result<String, Failure>?
  }
}
