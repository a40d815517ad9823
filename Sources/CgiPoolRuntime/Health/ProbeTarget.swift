import Foundation
import ProcessConfig

/// What one probe checks, parsed from the config's `health_check.target`.
public enum ProbeTarget: Sendable, Equatable {
  /// A TCP endpoint.
  case port(host: String, port: UInt16)
  /// An HTTP or HTTPS URL that must answer 200.
  case http(URL)
  /// A shell command that must exit 0.
  case command(String)

  /// Parses `target` for `kind`; `nil` with a reason when it cannot be checked.
  public static func parse(kind: HealthCheck.Kind, target: String) -> Result<ProbeTarget, ProbeError> {
    switch kind {
    case .port:
      guard let (host, port) = parseHostPort(target) else {
        return .failure(ProbeError("port target \"\(target)\" is not PORT, HOST:PORT or [IPv6]:PORT"))
      }
      return .success(.port(host: host, port: port))
    case .http:
      guard let url = URL(string: target), let scheme = url.scheme?.lowercased(),
        scheme == "http" || scheme == "https", !(url.host ?? "").isEmpty
      else { return .failure(ProbeError("http target \"\(target)\" is not an http(s) URL")) }
      return .success(.http(url))
    case .command:
      return target.isEmpty ? .failure(ProbeError("command target is empty")) : .success(.command(target))
    }
  }

  /// `8080` means 127.0.0.1; `host:port` and `[v6]:port` name the host.
  static func parseHostPort(_ text: String) -> (String, UInt16)? {
    if let port = UInt16(text), port > 0 { return ("127.0.0.1", port) }
    if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
      let host = String(text[text.index(after: text.startIndex)..<close])
      let rest = text[text.index(after: close)...]
      guard rest.hasPrefix(":"), let port = UInt16(rest.dropFirst()), port > 0, !host.isEmpty else { return nil }
      return (host, port)
    }
    guard let colon = text.lastIndex(of: ":") else { return nil }
    let host = String(text[..<colon])
    guard !host.isEmpty, !host.contains(":"), let port = UInt16(text[text.index(after: colon)...]), port > 0
    else { return nil }
    return (host, port)
  }
}

/// Why a probe could not be set up.
public struct ProbeError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The reason.
  public var message: String
  /// Creates the error.
  public init(_ message: String) { self.message = message }
  /// The reason.
  public var description: String { message }
}
