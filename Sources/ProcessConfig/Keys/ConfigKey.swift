/// One key a config object accepts, in the style of podman quadlet's key constants: the raw
/// value is the key as the JSON spells it, and `info` describes it as data.
///
/// Each object of the config has its own `ConfigKey` enum (`PoolKey`, `ProcessKey`,
/// `HealthCheckKey`). Adding a key is adding a case: the exhaustive `info` switch asks for its
/// description and default, the validator's unknown-key check accepts it at once, and anything
/// generated from the keys (documentation, a JSON Schema) sees it.
public protocol ConfigKey: RawRepresentable, CaseIterable, Hashable, Sendable where RawValue == String {
  /// What the key means, its type, bounds and default.
  var info: ConfigKeyInfo { get }
}

extension ConfigKey {
  /// Every key's JSON name, sorted, as unknown-key messages list them.
  public static var names: [String] { allCases.map(\.rawValue).sorted() }
}

/// What one config key holds: a description, its value's type, and its default as data.
public struct ConfigKeyInfo: Sendable, Equatable {
  /// One sentence for the user: what the key does.
  public var summary: String
  /// The JSON type of the value.
  public var type: ConfigValueType
  /// Whether the object is invalid without this key.
  public var isRequired: Bool
  /// The value a missing key stands for; `nil` for a required key.
  public var defaultValue: ConfigDefault?
  /// The bounds of a number or integer.
  public var numberRule: NumberRule?
  /// The accepted strings of an enumerated value, in declaration order.
  public var allowedValues: [String]?

  /// Describes a key.
  public init(
    _ summary: String,
    type: ConfigValueType,
    isRequired: Bool = false,
    defaultValue: ConfigDefault? = nil,
    numberRule: NumberRule? = nil,
    allowedValues: [String]? = nil
  ) {
    self.summary = summary
    self.type = type
    self.isRequired = isRequired
    self.defaultValue = defaultValue
    self.numberRule = numberRule
    self.allowedValues = allowedValues
  }
}

/// The JSON type a config key holds.
public enum ConfigValueType: Sendable, Equatable {
  /// A string.
  case string
  /// A number (seconds, unless the key's rule says otherwise).
  case number
  /// A whole number.
  case integer
  /// `true` or `false`.
  case boolean
  /// An array of strings.
  case stringArray
  /// One string, or an array of strings.
  case stringOrStringArray
  /// An argv: a non-empty array of strings whose first (the program) is not empty.
  case argv
  /// An object whose values are strings.
  case stringMap
  /// An object with its own keys (`K.names`).
  case object(keys: [String])
  /// An object mapping names to objects with their own keys.
  case objectMap(keys: [String])
  /// One of `allowedValues`, or an object with its own keys that sets them in detail.
  case stringOrObject(keys: [String])
  /// An array whose entries are strings or objects with their own keys (`depends_on`).
  case stringOrObjectArray(keys: [String])
}

/// The default of a config key, as a value a document generator can print.
public enum ConfigDefault: Sendable, Equatable {
  /// `null`: the feature is off.
  case null
  /// A string.
  case string(String)
  /// A number.
  case number(Double)
  /// An array of strings.
  case strings([String])
  /// A boolean.
  case bool(Bool)
  /// `{}`.
  case emptyObject
}

extension ConfigDefault {
  /// The default as JSON text, as a config would spell it: `10`, `"on-failure"`, `[]`.
  public var json: String {
    switch self {
    case .null: "null"
    case .string(let text): JSONOutput.quoted(text)
    case .number(let value): value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
    case .strings(let texts): "[" + texts.map(JSONOutput.quoted).joined(separator: ", ") + "]"
    case .bool(let flag): flag ? "true" : "false"
    case .emptyObject: "{}"
    }
  }

}
