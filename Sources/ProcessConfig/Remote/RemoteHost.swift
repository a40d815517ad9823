/// A remote machine as `--host` and the config's `hosts` name it: `[USER@]HOST[:PORT]`, the form
/// `systemctl -H` and `sd_bus_open_system_remote` take (an IPv6 address in brackets: `[::1]:2222`).
///
/// sd-bus reaches its system manager through `ssh`; the commands that need more than D-Bus
/// (`logs`, `cleanup`) run `ssh` themselves with the same destination, so both agree on
/// `sshArguments`.
public struct RemoteHost: Sendable, Hashable, CustomStringConvertible {
  /// The text as given, passed unchanged to sd-bus.
  public let spec: String
  /// The user to log in as, if given.
  public let user: String?
  /// The host name or address (without brackets).
  public let hostname: String
  /// The ssh port, if given.
  public let port: Int?

  /// Parses `spec`; nil when `problem(spec)` finds something wrong with it.
  public init?(_ spec: String) {
    guard let parsed = Self.parse(spec) else { return nil }
    self = parsed
  }

  private init(spec: String, user: String?, hostname: String, port: Int?) {
    self.spec = spec
    self.user = user
    self.hostname = hostname
    self.port = port
  }

  /// What is wrong with `spec` as `[USER@]HOST[:PORT]`, nil when nothing is.
  public static func problem(_ spec: String) -> String? {
    if spec.isEmpty { return "empty host" }
    if spec.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7f }) {
      return "a host cannot contain spaces or control characters"
    }
    if spec.hasPrefix("-") { return "a host cannot start with \"-\" (ssh would read it as an option)" }
    return parse(spec) == nil ? "expected [user@]host[:port] (port 1-65535)" : nil
  }

  private static func parse(_ spec: String) -> RemoteHost? {
    guard !spec.isEmpty, !spec.hasPrefix("-"),
      !spec.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7f })
    else { return nil }
    var rest = Substring(spec)
    var user: String?
    if let at = rest.lastIndex(of: "@") {
      user = String(rest[..<at])
      rest = rest[rest.index(after: at)...]
      if user!.isEmpty || user!.hasPrefix("-") { return nil }
    }
    var hostname: Substring
    var portText: Substring?
    if rest.hasPrefix("[") {
      guard let close = rest.firstIndex(of: "]") else { return nil }
      hostname = rest[rest.index(after: rest.startIndex)..<close]
      let after = rest[rest.index(after: close)...]
      if !after.isEmpty {
        guard after.hasPrefix(":") else { return nil }
        portText = after.dropFirst()
      }
    } else if let colon = rest.firstIndex(of: ":") {
      hostname = rest[..<colon]
      portText = rest[rest.index(after: colon)...]
    } else {
      hostname = rest
    }
    guard !hostname.isEmpty, !hostname.hasPrefix("-"), !hostname.contains("/") else { return nil }
    var port: Int?
    if let portText {
      guard let value = Int(portText), portText.allSatisfy(\.isASCII), (1...65535).contains(value) else { return nil }
      port = value
    }
    return RemoteHost(spec: spec, user: user, hostname: String(hostname), port: port)
  }

  /// `[-p PORT] [USER@]HOST`: the destination arguments of an `ssh` command line (options from
  /// the user's ssh configuration apply as for sd-bus's own ssh).
  public var sshArguments: [String] {
    (port.map { ["-p", String($0)] } ?? []) + [(user.map { $0 + "@" } ?? "") + hostname]
  }

  /// The text as given.
  public var description: String { spec }
}
