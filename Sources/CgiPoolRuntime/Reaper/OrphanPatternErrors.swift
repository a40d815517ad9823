/// Every pattern of a list that failed to compile, in the list's order.
public struct OrphanPatternErrors: Error, Sendable, Equatable, CustomStringConvertible {
  /// The failures, never empty.
  public var errors: [InvalidOrphanPattern]

  /// Creates the error from its parts.
  public init(errors: [InvalidOrphanPattern]) {
    self.errors = errors
  }

  /// One failure per line.
  public var description: String { errors.map(\.description).joined(separator: "\n") }
}
