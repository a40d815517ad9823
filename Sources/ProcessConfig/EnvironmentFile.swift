/// One `env_file` entry: a file of `NAME=value` lines systemd reads at every start and restart.
public struct EnvironmentFile: Sendable, Equatable {
  /// The path as written, without the leading `-` (relative paths are relative to the config's folder).
  public var path: String
  /// Written with a leading `-`: a missing file is skipped, as systemd's `EnvironmentFile=-...` does.
  public var isOptional: Bool

  /// Creates an entry.
  public init(path: String, isOptional: Bool = false) {
    self.path = path
    self.isOptional = isOptional
  }

  /// Reads an entry as the config writes it: a leading `-` makes the file optional.
  public init(written: String) {
    if written.hasPrefix("-") {
      self.init(path: String(written.dropFirst()), isOptional: true)
    } else {
      self.init(path: written)
    }
  }

  /// The entry as the config writes it.
  public var written: String { (isOptional ? "-" : "") + path }

  /// The absolute path: `path` resolved against `base` (the config's folder), lexically.
  public func resolvedPath(base: String) -> String {
    FilePath.normalize(path, relativeTo: base)
  }
}
