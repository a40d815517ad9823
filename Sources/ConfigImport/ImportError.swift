/// Why a file could not be imported at all (as opposed to settings that did not map, which are findings).
public struct ImportError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The imported file as the user named it.
  public var file: String
  /// The 1-based line of the problem, when known.
  public var line: Int?
  /// What is wrong.
  public var message: String

  /// Creates an import error.
  public init(file: String, line: Int? = nil, message: String) {
    self.file = file
    self.line = line
    self.message = message
  }

  /// `file:line: message`.
  public var description: String {
    let place = line.map { "\(file):\($0)" } ?? file
    return "\(place): \(message)"
  }
}
