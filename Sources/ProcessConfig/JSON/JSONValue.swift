/// A parsed JSON document, kept close to the text so validation can report precisely.
///
/// Numbers keep their literal so messages quote what the user wrote, and
/// booleans are their own case so they are never mistaken for numbers.
enum JSONValue: Sendable, Equatable {
  /// `null`.
  case null
  /// `true` or `false`.
  case bool(Bool)
  /// A number with its value and its literal text.
  case number(JSONNumber)
  /// A string, with escapes resolved.
  case string(String)
  /// An array.
  case array([JSONValue])
  /// An object, members in document order, keys unique (the first occurrence wins).
  case object(JSONObject)

  /// The kind of value with its article, for messages: `a number`, `an array`.
  var kindDescription: String {
    switch self {
    case .null: "null"
    case .bool: "a boolean"
    case .number: "a number"
    case .string: "a string"
    case .array: "an array"
    case .object: "an object"
    }
  }
}

/// A JSON number: its value as a `Double` and the literal as written.
struct JSONNumber: Sendable, Equatable {
  /// The value; may be infinite when the literal overflows a `Double`.
  var value: Double
  /// The literal text, such as `2.50` or `1e3`.
  var literal: String
}

/// The members of a JSON object in document order.
struct JSONObject: Sendable, Equatable {
  /// One `key: value` pair.
  struct Member: Sendable, Equatable {
    /// The key, with escapes resolved.
    var key: String
    /// The value.
    var value: JSONValue
  }

  /// The members in document order, each key once.
  var members: [Member]

  /// Creates an object from its members.
  init(_ members: [Member] = []) {
    self.members = members
  }

  /// The value for `key`, if present.
  subscript(key: String) -> JSONValue? {
    members.first { $0.key == key }?.value
  }
}
