/// One orphan pattern that cannot be compiled (`OrphanPatternErrors` collects them for a list):
/// data, not output; only the CLI prints it.
public struct InvalidOrphanPattern: Error, Sendable, Equatable, CustomStringConvertible {
  /// The pattern (or the word of it) as written.
  public var pattern: String
  /// What is wrong with it.
  public var message: String

  /// Creates the error.
  public init(pattern: String, message: String) {
    self.pattern = pattern
    self.message = message
  }

  /// `orphan pattern "...": message`, the form the CLI prints.
  public var description: String { "orphan pattern \"\(pattern)\": \(message)" }
}
