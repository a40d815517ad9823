/// Every pattern of a list that failed to compile, in the list's order.
public struct OrphanPatternErrors: Error, Sendable, Equatable, CustomStringConvertible {
  /// The failures, never empty.
  public var errors: [OrphanPatternError]

  /// Creates the error from its parts.
  public init(errors: [OrphanPatternError]) {
    self.errors = errors
  }

  /// One failure per line.
  public var description: String { errors.map(\.description).joined(separator: "\n") }
}
