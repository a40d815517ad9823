/// How an orphan's processes were ended.
public enum TerminationMethod: Sendable, Hashable, CustomStringConvertible {
  /// cgipool signalled them itself (`SignalTerminator`).
  case signals
  /// They were moved into this transient scope unit, which the manager then stopped
  /// (`ScopeTerminator`).
  case scope(String)

  /// `signals` or `scope`.
  public var label: String {
    switch self {
    case .signals: "signals"
    case .scope: "scope"
    }
  }

  /// The scope's name, `nil` for signals.
  public var scopeName: String? {
    if case .scope(let name) = self { return name }
    return nil
  }

  /// `via signals` or `via scope <name>`.
  public var description: String {
    switch self {
    case .signals: "via signals"
    case .scope(let name): "via scope \(name)"
    }
  }
}
