/// A D-Bus value of a transient-unit property, independent of any bus library.
public enum TransientValue: Sendable, Equatable {
  /// `s`
  case string(String)
  /// `b`
  case bool(Bool)
  /// `u`
  case uint32(UInt32)
  /// `i`
  case int32(Int32)
  /// `t`
  case uint64(UInt64)
  /// `as`
  case strings([String])
  /// `au`
  case uint32s([UInt32])
  /// `a(sasb)`: path, argv, ignore-failure, per command.
  case commands([ExecCommand])
  /// `a(sasas)`: path, argv and flags (`ignore-failure`, `privileged`) per command, the
  /// `Exec*Ex` form, used for commands that run outside the sandbox.
  case flaggedCommands([ExecCommand])
  /// `a(sb)`: a path and a flag (`EnvironmentFiles`: the flag skips a missing file).
  case flaggedPaths([FlaggedPath])
  /// `a(ss)`: pairs of strings (`LoadCredential`: name and path).
  case stringPairs([StringPair])
  /// `(bas)`: whether the list allows (else denies), and the list.
  case filter(Bool, [String])

  /// The D-Bus signature of the value.
  public var signature: String {
    switch self {
    case .string: return "s"
    case .bool: return "b"
    case .uint32: return "u"
    case .int32: return "i"
    case .uint64: return "t"
    case .strings: return "as"
    case .uint32s: return "au"
    case .commands: return "a(sasb)"
    case .flaggedCommands: return "a(sasas)"
    case .flaggedPaths: return "a(sb)"
    case .stringPairs: return "a(ss)"
    case .filter: return "(bas)"
    }
  }
}

/// One `(sb)` element: a path and a flag.
public struct FlaggedPath: Sendable, Equatable {
  /// The path.
  public var path: String
  /// The flag.
  public var flag: Bool

  /// Creates an element.
  public init(_ path: String, _ flag: Bool) {
    self.path = path
    self.flag = flag
  }
}

/// One `(ss)` element.
public struct StringPair: Sendable, Equatable {
  /// The first string.
  public var first: String
  /// The second string.
  public var second: String

  /// Creates an element.
  public init(_ first: String, _ second: String) {
    self.first = first
    self.second = second
  }
}

/// One `(sv)` entry of `StartTransientUnit`'s property array.
public struct TransientProperty: Sendable, Equatable {
  /// The D-Bus property name, e.g. `ExecStart`.
  public var name: String
  /// The value.
  public var value: TransientValue

  /// Creates a property.
  public init(_ name: String, _ value: TransientValue) {
    self.name = name
    self.value = value
  }
}

/// Everything `StartTransientUnit` needs for one unit.
public struct TransientUnit: Sendable, Equatable {
  /// The unit name.
  public var name: String
  /// The properties, in the order the unit model lists them.
  public var properties: [TransientProperty]
  /// Units created (not started) in the same call (`StartTransientUnit`'s `aux`): a socket's
  /// service, which systemd needs loaded before it starts the socket.
  public var aux: [TransientUnit] = []

  /// Creates a transient unit.
  public init(name: String, properties: [TransientProperty], aux: [TransientUnit] = []) {
    self.name = name
    self.properties = properties
    self.aux = aux
  }
}
