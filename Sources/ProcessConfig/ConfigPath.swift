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
  public var description: String {
    if components.isEmpty { return "(root)" }
    var text = ""
    for component in components {
      switch component {
      case .key(let key):
        if !text.isEmpty { text += "." }
        text += key
      case .index(let index):
        text += "[\(index)]"
      }
    }
    return text
  }

  /// Orders paths by their printed form, so diagnostics sort stably.
  public static func < (lhs: ConfigPath, rhs: ConfigPath) -> Bool {
    lhs.description < rhs.description
  }
}
