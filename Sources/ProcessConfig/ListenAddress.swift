/// One address of a process's `listen`: a socket systemd binds and holds for the process
/// (`ListenStream=` of `<pool>-<process>.socket`), so connections wait in its backlog while the
/// process restarts.
public enum ListenAddress: Sendable, Equatable, Hashable, CustomStringConvertible {
  /// A TCP address: an IPv4 literal or an IPv6 literal (written `[::1]:port`), and a port.
  case tcp(host: String, port: UInt16)
  /// A Unix stream socket at an absolute path.
  case unix(path: String)

  /// How the config writes it, and what `ListenStream=` takes: `127.0.0.1:9001`, `[::1]:9001`, `/run/x.sock`.
  public var description: String {
    switch self {
    case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    case .unix(let path): path
    }
  }

  /// Whether the address takes connections for every local address of its family
  /// (`0.0.0.0`, `::`): a probe of any local address on its port reaches it.
  public var isWildcard: Bool {
    if case .tcp(let host, _) = self { return host == "0.0.0.0" || host == "::" }
    return false
  }

  /// Parses `host:port`, `[v6]:port` or an absolute path; `nil` for anything else.
  /// Host names are refused: systemd's `ListenStream=` binds literal addresses only.
  public init?(_ text: String) {
    if text.hasPrefix("/") {
      self = .unix(path: text)
      return
    }
    let host: Substring
    let portText: Substring
    if text.hasPrefix("[") {
      guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
      host = text[text.index(after: text.startIndex)..<close]
      portText = text[text.index(close, offsetBy: 2)...]
      guard Self.isIPv6(host) else { return nil }
    } else {
      guard let colon = text.lastIndex(of: ":") else { return nil }
      host = text[..<colon]
      portText = text[text.index(after: colon)...]
      guard Self.isIPv4(host) else { return nil }
    }
    guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
      let port = UInt16(portText), port > 0
    else { return nil }
    self = .tcp(host: String(host), port: port)
  }

  /// Four decimal octets, 0...255, without leading zeros (which some parsers read as octal).
  static func isIPv4(_ text: Substring) -> Bool {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    return parts.count == 4
      && parts.allSatisfy { part in
        !part.isEmpty && part.count <= 3 && part.allSatisfy { $0.isASCII && $0.isNumber }
          && (part.count == 1 || part.first != "0") && Int(part)! <= 255
      }
  }

  /// Hex groups separated by `:`, at most one `::`, optionally ending in an IPv4 literal.
  static func isIPv6(_ text: Substring) -> Bool {
    guard !text.isEmpty, text.count <= 45 else { return false }
    var groups = text.components(separatedBy: ":")
    let compressed = text.components(separatedBy: "::").count - 1
    guard compressed <= 1 else { return false }
    var width = 0
    if let last = groups.last, last.contains(".") {
      guard isIPv4(Substring(last)) else { return false }
      groups.removeLast()
      width += 2
    }
    for group in groups where !group.isEmpty {
      guard group.count <= 4, group.allSatisfy(\.isHexDigit) else { return false }
      width += 1
    }
    // Empty groups only come from the one `::` (two at either end of the text).
    let empties = groups.filter(\.isEmpty).count
    if compressed == 0 { return empties == 0 && width == 8 }
    return empties <= 3 && width < 8
  }
}
