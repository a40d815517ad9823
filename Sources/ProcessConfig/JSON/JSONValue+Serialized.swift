extension JSONValue {
  /// Compact JSON text: numbers keep their literal, objects print every member in order.
  var serialized: String {
    switch self {
    case .null: return "null"
    case .bool(let value): return value ? "true" : "false"
    case .number(let number): return number.literal
    case .string(let text): return JSONOutput.quoted(text)
    case .array(let elements): return "[" + elements.map(\.serialized).joined(separator: ",") + "]"
    case .object(let object):
      return "{" + object.members.map { JSONOutput.quoted($0.key) + ":" + $0.value.serialized }.joined(separator: ",") + "}"
    }
  }
}
