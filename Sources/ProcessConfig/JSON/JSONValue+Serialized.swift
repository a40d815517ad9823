extension JSONValue {
  /// Compact JSON text: numbers keep their literal, objects print every member in order.
  var serialized: String {
    switch self {
    case .null: return "null"
    case .bool(let value): return value ? "true" : "false"
    case .number(let number): return number.literal
    case .string(let text): return Self.quoted(text)
    case .array(let elements): return "[" + elements.map(\.serialized).joined(separator: ",") + "]"
    case .object(let object):
      return "{" + object.members.map { Self.quoted($0.key) + ":" + $0.value.serialized }.joined(separator: ",") + "}"
    }
  }

  /// `text` as a JSON string literal (control characters as `\uXXXX`).
  static func quoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }
}
