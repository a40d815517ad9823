/// One command line systemd runs: the executable's path and the full argv.
///
/// `argv[0]` is kept apart from `path`, so the process sees exactly the
/// `argv[0]` the config wrote while systemd executes the resolved path.
public struct ExecCommand: Sendable, Equatable {
  /// The absolute path systemd executes.
  public var path: String
  /// The argument vector, `argv[0]` included, byte for byte as the process must see it.
  public var argv: [String]
  /// Whether a non-zero exit is ignored (systemd's `-` prefix).
  public var ignoreFailure: Bool

  /// Creates a command.
  public init(path: String, argv: [String], ignoreFailure: Bool = false) {
    self.path = path
    self.argv = argv
    self.ignoreFailure = ignoreFailure
  }
}
