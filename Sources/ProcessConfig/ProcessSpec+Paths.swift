extension ProcessSpec {
  /// The absolute working directory: `cwd` resolved against `base` (the config's folder) and standardized.
  ///
  /// Purely lexical (`.` and `..` removed, symlinks kept), so the result does not depend on
  /// what exists on disk when the config is read.
  public func resolvedWorkingDirectory(base: String) -> String {
    FilePath.normalize(cwd, relativeTo: base)
  }

  /// The absolute PID file path: `pid_file` resolved against the working directory `workingDirectory`.
  public func resolvedPIDFile(workingDirectory: String) -> String? {
    pidFile.map { FilePath.normalize($0, relativeTo: workingDirectory) }
  }

  /// The absolute file each credential is loaded from, by name.
  public func resolvedCredentials(base: String) -> [String: String] {
    credentials.mapValues { FilePath.normalize($0, relativeTo: base) }
  }
}
