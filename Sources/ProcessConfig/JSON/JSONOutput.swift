/// A JSON value to write, object members in the order given: the one JSON writer of the project
/// (imported configs, the JSON Schema), so output is stable and escaping has one source.
public enum JSONOutput: Sendable, Equatable {
  /// A string.
  case string(String)
  /// A number, written without a fraction when whole.
  case number(Double)
  /// `true` or `false`.
  case bool(Bool)
  /// `null`.
  case null
  /// An array.
  case array([JSONOutput])
  /// An object, members in this order.
  case object([Member])

  /// One `key: value` of an object.
  public struct Member: Sendable, Equatable {
    /// The key.
    public var key: String
    /// The value.
    public var value: JSONOutput

    /// Creates a member.
    public init(_ key: String, _ value: JSONOutput) {
      self.key = key
      self.value = value
    }
  }

  /// The value as text; containers break one member per line, except short arrays of strings.
  public func rendered(indent: Int = 0) -> String {
    let pad = String(repeating: " ", count: indent)
    let inner = String(repeating: " ", count: indent + 2)
    switch self {
    case .string(let text): return Self.quoted(text)
    case .bool(let value): return value ? "true" : "false"
    case .null: return "null"
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
      let lines = members.map { inner + Self.quoted($0.key) + ": " + $0.value.rendered(indent: indent + 2) }
      return "{\n" + lines.joined(separator: ",\n") + "\n" + pad + "}"
    }
  }

  /// A JSON string literal: `"`, `\` and control characters escaped, everything else as UTF-8.
  public static func quoted(_ text: String) -> String {
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
