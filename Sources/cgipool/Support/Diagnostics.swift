import Foundation
import ProcessConfig

/// Prints problems to stderr in one consistent form.
enum Diagnostics {
  /// Prints every diagnostic of a config error and a count.
  static func report(_ error: ConfigError, file: String) {
    for line in error.reportLines(file: file) { printError(line) }
  }
}

/// Writes a line to standard error.
func printError(_ line: String) {
  FileHandle.standardError.write(Data((line + "\n").utf8))
}
