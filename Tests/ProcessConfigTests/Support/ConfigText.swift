import ProcessConfig

/// A config written inline in a test, loaded as `cgipool` loads a file.
enum ConfigText {
  /// The pool `text` describes, or the validator's error.
  static func parse(_ text: String, file: String = "test.json", baseDirectory: String = "/base") throws(ConfigError) -> PoolConfig {
    try ConfigLoader.parse(Array(text.utf8), file: file, baseDirectory: baseDirectory)
  }

  /// Each diagnostic for `text` as `path: message`, in the validator's order; empty when it loads.
  static func problems(_ text: String, file: String = "test.json", baseDirectory: String = "/base") -> [String] {
    do {
      _ = try parse(text, file: file, baseDirectory: baseDirectory)
      return []
    } catch {
      return error.diagnostics.map { "\($0.path): \($0.message)" }
    }
  }
}
