/// A place inside the config document, such as `processes.proxy.depends_on[0]`.
public struct ConfigPath: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// One step of a path: an object key or an array index.
  public enum Component: Sendable, Hashable {
    /// A key of a JSON object.
    case key(String)
    /// A position in a JSON array.
    case index(Int)
  }

  /// The steps from the document root.
  public var components: [Component]

  /// Creates a path from its steps.
  public init(_ components: [Component] = []) {
    self.components = components
  }

  /// The path of the document root.
  public static let root = ConfigPath()

  /// This path extended by an object key.
  public func appending(_ key: String) -> ConfigPath {
    ConfigPath(components + [.key(key)])
  }

  /// This path extended by an array index.
  public func appending(_ index: Int) -> ConfigPath {
    ConfigPath(components + [.index(index)])
  }

  /// The dotted form: `processes.proxy.depends_on[0]`; the root prints as `(root)`.
  ///
  /// A key that would make the dotted form ambiguous or span lines (empty, or holding
  /// `.`, `[`, `]`, `"`, `\\`, spaces or control characters) prints quoted in brackets:
  /// `processes["a.b"]`.
  public var description: String {
    if components.isEmpty { return "(root)" }
    var text = ""
    for component in components {
      switch component {
      case .key(let key) where Self.isPlainKey(key):
        if !text.isEmpty { text += "." }
        text += key
      case .key(let key):
        text += "[\(key.debugDescription)]"
      case .index(let index):
        text += "[\(index)]"
      }
    }
    return text
  }

  /// Orders paths step by step: keys by their text, indexes by number (so `[2]` precedes
  /// `[10]`), an index before a key, and a path before its extensions.
  public static func < (lhs: ConfigPath, rhs: ConfigPath) -> Bool {
    for (left, right) in zip(lhs.components, rhs.components) where left != right {
      switch (left, right) {
      case (.key(let a), .key(let b)): return a < b
      case (.index(let a), .index(let b)): return a < b
      case (.index, .key): return true
      case (.key, .index): return false
      }
    }
    return lhs.components.count < rhs.components.count
  }

  /// Whether a key can print bare in the dotted form.
  private static func isPlainKey(_ key: String) -> Bool {
    !key.isEmpty
      && key.unicodeScalars.allSatisfy { scalar in
        scalar.properties.generalCategory != .control && !scalar.properties.isWhitespace
          && !".[]\"\\".unicodeScalars.contains(scalar)
      }
  }
}
