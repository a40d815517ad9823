import Foundation
import ProcessConfig

/// Prints problems to stderr in one consistent form.
enum Diagnostics {
  /// Prints every diagnostic of a config error and a count.
  static func report(_ error: ConfigError, file: String) {
    for diagnostic in error.diagnostics {
      printError("error: \(diagnostic)")
    }
    let count = error.diagnostics.count
    printError("\(count) error\(count == 1 ? "" : "s") in \(file)")
  }
}

/// Writes a line to standard error.
func printError(_ line: String) {
  FileHandle.standardError.write(Data((line + "\n").utf8))
}
