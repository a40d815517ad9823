/// One problem found in a config file: data, not output; only the CLI prints it.
public struct ConfigDiagnostic: Sendable, Equatable, CustomStringConvertible {
  /// The config file as the user named it.
  public var file: String
  /// Where in the document the problem is.
  public var path: ConfigPath
  /// What is wrong, in the user's terms.
  public var message: String

  /// Creates a diagnostic.
  public init(file: String, path: ConfigPath, message: String) {
    self.file = file
    self.path = path
    self.message = message
  }

  /// `file: path: message`, the form the CLI prints.
  public var description: String { "\(file): \(path): \(message)" }
}

/// The error a config load throws: every diagnostic found, in stable order.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
  /// All problems found, never empty.
  public var diagnostics: [ConfigDiagnostic]

  /// Creates the error from its diagnostics.
  public init(diagnostics: [ConfigDiagnostic]) {
    self.diagnostics = diagnostics
  }

  /// One diagnostic per line.
  public var description: String {
    diagnostics.map(\.description).joined(separator: "\n")
  }
}
