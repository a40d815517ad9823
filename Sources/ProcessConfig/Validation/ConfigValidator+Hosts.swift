extension ConfigValidator {
  /// Checks `hosts` (`PoolKey.hosts`): names that can stand in messages and a `host` key, each
  /// mapped to a `[USER@]HOST[:PORT]` that `RemoteHost` accepts.
  mutating func hosts(_ value: JSONValue, at path: ConfigPath) -> [String: String]? {
    guard case .object(let object) = value else {
      report(path, "expected an object mapping host names to [user@]host[:port], found \(value.kindDescription)")
      return nil
    }
    var hosts: [String: String] = [:]
    var valid = true
    for member in object.members {
      let hostPath = path.appending(member.key)
      if !NameRules.isValidProcessName(member.key) || member.key == PoolConfig.localHostName {
        report(
          hostPath,
          "invalid host name \(quote(member.key)): use 1 to 64 letters, digits, '_' or '-', starting with a letter, "
            + "digit or '_'; \(quote(PoolConfig.localHostName)) means this machine")
        valid = false
        continue
      }
      guard let spec = string(member.value, at: hostPath) else {
        valid = false
        continue
      }
      if let problem = RemoteHost.problem(spec) {
        report(hostPath, "invalid host \(quote(spec)): \(problem)")
        valid = false
        continue
      }
      hosts[member.key] = spec
    }
    return valid ? hosts : nil
  }

  /// Checks a process's `host`: a name from `hosts`, or `"local"`/null for this machine.
  mutating func processHost(_ value: JSONValue, at path: ConfigPath, hostNames: Set<String>) -> String?? {
    if value == .null { return .some(nil) }
    guard let name = string(value, at: path) else { return nil }
    if name == PoolConfig.localHostName { return .some(nil) }
    guard hostNames.contains(name) else {
      let known = hostNames.sorted()
      let suggestion = Suggestion.closest(to: name, among: known).map { " (did you mean \(quote($0))?)" }
      report(
        path,
        "unknown host \(quote(name))"
          + (suggestion ?? (known.isEmpty ? " (the config has no hosts)" : " (hosts: \(known.joined(separator: ", ")))")))
      return nil
    }
    return .some(name)
  }
}
