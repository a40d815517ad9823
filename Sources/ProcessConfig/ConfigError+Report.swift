extension ConfigError {
  /// The lines `cgipool check` prints for this error: each problem, then a count naming `file`.
  public func reportLines(file: String) -> [String] {
    let count = diagnostics.count
    return diagnostics.map { "error: \($0)" } + ["\(count) error\(count == 1 ? "" : "s") in \(file)"]
  }
}
