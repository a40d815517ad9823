/// Why an install or uninstall did not go ahead (nothing was changed) or stopped part way.
public struct InstallError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The message, in the user's terms, naming the files or the pool.
  public var message: String

  /// Creates an error.
  public init(_ message: String) {
    self.message = message
  }

  /// The message.
  public var description: String { message }
}
