import ProcessConfig

/// Renders an import as `process_config.json` text: two-space indent, keys in the README's order.
///
/// Only keys that differ from cgipool's defaults are written, so the file says what the source said.
public enum ConfigWriter {
  /// The JSON text for `result`, named `poolName` (or the source's name, or none: cgipool's default).
  public static func render(_ result: ImportResult, poolName: String? = nil) -> String {
    var members: [(String, JSONText)] = []
    if let name = poolName ?? result.poolName { members.append(("name", .string(name))) }
    let processes = result.processes.map { ($0.name, process($0)) }
    members.append(("processes", .object(processes)))
    return JSONText.object(members).rendered(indent: 0) + "\n"
  }

  private static func process(_ process: ImportedProcess) -> JSONText {
    var members: [(String, JSONText)] = [("command", .array(process.command.map(JSONText.string)))]
    if let cwd = process.cwd { members.append(("cwd", .string(cwd))) }
    if !process.env.isEmpty {
      members.append(("env", .object(process.env.map { ($0.0, JSONText.string($0.1)) })))
    }
    if let policy = process.restartPolicy { members.append(("restart_policy", .string(policy.rawValue))) }
    if let delay = process.restartDelay { members.append(("restart_delay", .number(delay))) }
    if let delay = process.startupDelay { members.append(("startup_delay", .number(delay))) }
    if let timeout = process.stopTimeout { members.append(("stop_timeout", .number(timeout))) }
    if !process.dependsOn.isEmpty { members.append(("depends_on", .array(process.dependsOn.map(JSONText.string)))) }
    if let check = process.healthCheck {
      var fields: [(String, JSONText)] = [("type", .string(check.kind.rawValue)), ("target", .string(check.target))]
      if check.timeout != HealthCheck.defaultTimeout { fields.append(("timeout", .number(check.timeout))) }
      if check.interval != HealthCheck.defaultInterval { fields.append(("interval", .number(check.interval))) }
      if check.failureThreshold != HealthCheck.defaultFailureThreshold {
        fields.append(("failure_threshold", .number(Double(check.failureThreshold))))
      }
      members.append(("health_check", .object(fields)))
    }
    return .object(members)
  }
}

/// A JSON value to write, members in the order given.
enum JSONText {
  case string(String)
  case number(Double)
  case array([JSONText])
  case object([(String, JSONText)])

  /// The value as text; containers break one member per line, except short arrays of strings.
  func rendered(indent: Int) -> String {
    let pad = String(repeating: " ", count: indent)
    let inner = String(repeating: " ", count: indent + 2)
    switch self {
    case .string(let text): return Self.quoted(text)
    case .number(let value):
      return value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
    case .array(let elements):
      if elements.isEmpty { return "[]" }
      let parts = elements.map { $0.rendered(indent: indent + 2) }
      let oneLine = "[" + parts.joined(separator: ", ") + "]"
      if oneLine.count + indent <= 100, !oneLine.contains("\n") { return oneLine }
      return "[\n" + parts.map { inner + $0 }.joined(separator: ",\n") + "\n" + pad + "]"
    case .object(let members):
      if members.isEmpty { return "{}" }
      let lines = members.map { inner + Self.quoted($0.0) + ": " + $0.1.rendered(indent: indent + 2) }
      return "{\n" + lines.joined(separator: ",\n") + "\n" + pad + "}"
    }
  }

  /// A JSON string literal: `"`, `\` and control characters escaped, everything else as UTF-8.
  static func quoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 || scalar.value == 0x7F {
          let hex = String(scalar.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }
}
