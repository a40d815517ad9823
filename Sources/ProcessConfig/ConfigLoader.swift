import Foundation

/// Reads and validates `process_config.json`.
public enum ConfigLoader {
  /// Loads and validates the config file at `file` (relative paths resolve against the current directory).
  public static func load(file: String) throws(ConfigError) -> PoolConfig {
    // Placeholder until the real decoder lands.
    throw ConfigError(diagnostics: [ConfigDiagnostic(file: file, path: .root, message: "not implemented")])
  }

  /// Validates config bytes; `file` names them in diagnostics, `baseDirectory` anchors relative `cwd`s.
  public static func parse(_ bytes: [UInt8], file: String, baseDirectory: String) throws(ConfigError) -> PoolConfig {
    throw ConfigError(diagnostics: [ConfigDiagnostic(file: file, path: .root, message: "not implemented")])
  }
}
