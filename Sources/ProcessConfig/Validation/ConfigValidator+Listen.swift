extension ConfigValidator {
  /// `listen`: an address or an array of addresses systemd holds for the process.
  mutating func listenAddresses(_ value: JSONValue, at path: ConfigPath) -> [ListenAddress]? {
    let written: [(String, ConfigPath)]
    switch value {
    case .string(let text): written = [(text, path)]
    case .array(let items) where !items.isEmpty:
      guard let texts = stringArray(value, at: path, element: nil) else { return nil }
      written = texts.enumerated().map { ($0.element, path.appending($0.offset)) }
    case .array:
      report(path, "expected at least one address; leave listen out for a process that binds its own port")
      return nil
    default:
      report(path, "expected an address such as \"127.0.0.1:9001\" or an array of them, found \(value.kindDescription)")
      return nil
    }
    var addresses: [ListenAddress] = []
    var valid = true
    for (text, entryPath) in written {
      guard let address = ListenAddress(text) else {
        report(
          entryPath,
          "invalid listen address \(quote(text)): expected an IPv4 address and port (\"127.0.0.1:9001\", \"0.0.0.0:8080\"), "
            + "an IPv6 address in brackets and port (\"[::1]:9001\"), or the absolute path of a Unix socket; "
            + "host names are not resolved")
        valid = false
        continue
      }
      if case .unix(let socketPath) = address, let problem = Self.unixSocketProblem(socketPath) {
        report(entryPath, "invalid listen address \(quote(text)): \(problem)")
        valid = false
        continue
      }
      if addresses.contains(address) {
        report(entryPath, "\(quote(text)) is listed twice")
        valid = false
        continue
      }
      addresses.append(address)
    }
    return valid ? addresses : nil
  }

  /// Why a Unix socket path cannot be held: the kernel's 108-byte `sun_path` (with its NUL),
  /// and characters a unit file's `ListenStream=` line would read differently.
  static func unixSocketProblem(_ path: String) -> String? {
    if path.utf8.count > 107 { return "a Unix socket path is at most 107 bytes" }
    if path.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == " " || $0 == "\u{7f}" || $0 == "%" || $0 == "\\" }) {
      return "a Unix socket path may not contain spaces, control characters, '%' or '\\'"
    }
    if path.hasSuffix("/") { return "a Unix socket path names a file, not a folder" }
    return nil
  }

  /// A `port` or `http` health check that would reach an address systemd holds proves nothing:
  /// the socket accepts connections before the process runs. Returns whether the pair is valid.
  mutating func checkProbeAvoidsHeldAddresses(_ spec: ProcessSpec, at path: ConfigPath) -> Bool {
    if spec.replicas > 1, let unix = spec.listen.first(where: { if case .unix = $0 { true } else { false } }) {
      // Each replica has its own socket bound to the address; a Unix path cannot be bound twice
      // (systemd would unlink the first replica's socket file to bind the second).
      report(
        path.appending(ProcessKey.listen),
        "\(quote(unix.description)) is a Unix socket, which replicas cannot share; give a replicated process TCP addresses")
      return false
    }
    guard let check = spec.healthCheck else { return true }
    // A replica's target is checked as each replica has it ({replica} filled in).
    let replicas = ReplicaPlaceholder.mentions(check.target) ? Array(1...max(1, spec.replicas)) : [1]
    for replica in replicas {
      var filled = check
      filled.target = ReplicaPlaceholder.expand(check.target, replica: replica)
      guard let probed = ProbedAddress(filled), let held = spec.listen.first(where: probed.reaches) else { continue }
      return reportHeldProbe(filled, held: held, at: path)
    }
    return true
  }

  private mutating func reportHeldProbe(_ check: HealthCheck, held: ListenAddress, at path: ConfigPath) -> Bool {
    report(
      path.appending(ProcessKey.healthCheck).appending(HealthCheckKey.target),
      "the health check probes \(quote(check.target)), which reaches the address systemd holds for this process "
        + "(listen \(quote(held.description))): the socket answers before the process runs, so the probe proves nothing. "
        + "Probe a separate health port or URL the process opens itself, or use a command check")
    return false
  }
}

/// The TCP address a `port` or `http` health check connects to.
struct ProbedAddress {
  var host: String
  var port: UInt16

  /// `nil` for a command check or a target the probe itself would refuse.
  init?(_ check: HealthCheck) {
    switch check.kind {
    case .command: return nil
    case .port:
      if let port = UInt16(check.target) {
        (host, self.port) = ("127.0.0.1", port)
        return
      }
      guard let parsed = Self.hostAndPort(Substring(check.target), defaultPort: nil) else { return nil }
      (host, port) = parsed
    case .http:
      let lower = check.target.lowercased()
      let https = lower.hasPrefix("https://")
      guard https || lower.hasPrefix("http://") else { return nil }
      var rest = check.target.dropFirst(https ? 8 : 7)
      if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
      if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
      guard let parsed = Self.hostAndPort(rest, defaultPort: https ? 443 : 80) else { return nil }
      (host, port) = parsed
    }
  }

  /// `host:port`, `[v6]:port`, or (with a default port) a bare host.
  static func hostAndPort(_ text: Substring, defaultPort: UInt16?) -> (String, UInt16)? {
    var host = text
    var port = defaultPort
    if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
      host = text[text.index(after: text.startIndex)..<close]
      let after = text[text.index(after: close)...]
      if after.hasPrefix(":") { port = UInt16(after.dropFirst()) } else if !after.isEmpty { return nil }
    } else if let colon = text.lastIndex(of: ":") {
      host = text[..<colon]
      port = UInt16(text[text.index(after: colon)...])
    }
    guard let port else { return nil }
    return (host.lowercased(), port)
  }

  /// Whether a connection to this address would land on `held`.
  func reaches(_ held: ListenAddress) -> Bool {
    guard case .tcp(let heldHost, let heldPort) = held, heldPort == port else { return false }
    if held.isWildcard || heldHost == host { return true }
    // `localhost` is looked up by the probe: either loopback address may be its answer.
    return host == "localhost" && (heldHost == "127.0.0.1" || heldHost == "::1")
  }
}

extension ConfigValidator {
  /// Two processes cannot hold one address: the second socket would fail to bind at start.
  mutating func checkListenUnique(_ specs: [String: ProcessSpec], order: [String], at path: ConfigPath) -> Bool {
    var owner: [ListenAddress: String] = [:]
    var valid = true
    for name in order {
      guard let spec = specs[name] else { continue }
      for (index, address) in spec.listen.enumerated() {
        if let first = owner[address] {
          let entry = path.appending(name).appending(ProcessKey.listen)
          report(
            spec.listen.count == 1 ? entry : entry.appending(index),
            "\(quote(address.description)) is already held for process \(quote(first)); two processes cannot listen on one address")
          valid = false
        } else {
          owner[address] = name
        }
      }
    }
    return valid
  }
}
