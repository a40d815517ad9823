extension ConfigValidator {
  /// Checks a `health_check` object (`HealthCheckKey`).
  mutating func healthCheck(_ value: JSONValue, at path: ConfigPath) -> HealthCheck? {
    guard case .object(let object) = value else {
      report(path, "expected an object, found \(value.kindDescription)")
      return nil
    }
    checkKeys(of: object, allowed: HealthCheckKey.self, at: path)
    var failed = false
    var kind: HealthCheck.Kind?
    if let value = object[HealthCheckKey.type] {
      let typePath = path.appending(HealthCheckKey.type)
      if let text = string(value, at: typePath) {
        kind = HealthCheck.Kind(rawValue: text)
        if kind == nil {
          let valid = HealthCheck.Kind.allCases.map(\.rawValue)
          report(typePath, "unknown health check type \(quote(text)) \(hint(for: text, among: valid))")
        }
      }
    } else {
      reportMissing(HealthCheckKey.type, at: path)
    }
    if kind == nil { failed = true }

    var target: String?
    if let value = object[HealthCheckKey.target] {
      let targetPath = path.appending(HealthCheckKey.target)
      target = string(value, at: targetPath)
      if let text = target, let problem = ReplicaPlaceholder.problem(in: text) {
        report(targetPath, problem)
        target = nil
      } else if let text = target, let kind, !isValidTarget(ReplicaPlaceholder.expand(text, replica: 1), kind: kind, at: targetPath) {
        // Placeholders are checked as the first instance fills them in (the last one: `replicaPlaceholders`).
        target = nil
      }
    } else {
      reportMissing(HealthCheckKey.target, at: path)
    }
    if target == nil { failed = true }

    var check = HealthCheck(kind: kind ?? .port, target: target ?? "")
    if let value = object[HealthCheckKey.timeout] {
      check.timeout = number(value, for: HealthCheckKey.timeout, in: path) ?? { failed = true; return 0 }()
    }
    if let value = object[HealthCheckKey.interval] {
      check.interval = number(value, for: HealthCheckKey.interval, in: path) ?? { failed = true; return 0 }()
    }
    if let value = object[HealthCheckKey.failureThreshold] {
      if let threshold = number(value, for: HealthCheckKey.failureThreshold, in: path) {
        check.failureThreshold = Int(threshold)
      } else {
        failed = true
      }
    }
    return failed ? nil : check
  }

  private mutating func isValidTarget(_ target: String, kind: HealthCheck.Kind, at path: ConfigPath) -> Bool {
    switch kind {
    case .port:
      guard NameRules.isValidPortTarget(target) else {
        report(path, "invalid port target \(quote(target)): expected a port from 1 to 65535, \"host:port\" or \"[IPv6]:port\"")
        return false
      }
    case .http:
      guard NameRules.isValidHTTPTarget(target) else {
        report(path, "invalid http target \(quote(target)): expected an http:// or https:// URL with a host")
        return false
      }
    case .command:
      guard target.contains(where: { !$0.isWhitespace }) else {
        report(path, "the health check command is empty")
        return false
      }
      return checkNoNUL(target, at: path)
    }
    return true
  }
}
