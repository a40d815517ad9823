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
  /// Whether the command runs outside the unit's sandbox and user (systemd's `+` prefix,
  /// the `privileged` flag of `Exec*Ex` over the bus): for cgipool's own helpers, such as
  /// the dependency gate, which must reach the manager's bus that the sandbox hides.
  public var privileged: Bool

  /// Creates a command.
  public init(path: String, argv: [String], ignoreFailure: Bool = false, privileged: Bool = false) {
    self.path = path
    self.argv = argv
    self.ignoreFailure = ignoreFailure
    self.privileged = privileged
  }
}

extension ExecCommand {
  /// The flags of the `Exec*Ex` bus properties, as systemd names them (`exec_command_flags_to_strv`).
  public var busFlags: [String] {
    (ignoreFailure ? ["ignore-failure"] : []) + (privileged ? ["privileged"] : [])
  }
}
