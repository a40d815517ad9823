import ProcessConfig

/// A pool whose folders and commands are resolved on this machine: the half of a compile that
/// does not depend on the manager, and that finds every problem with the machine's files.
///
/// `UnitCompiler.resolve` makes one before any manager is touched (so an invalid pool starts
/// nothing); `UnitCompiler.compile(_:)` then binds it to the manager's facts (log folder or
/// journal, version, bus address) without asking the file system again: one compile per command.
public struct ResolvedPool: Sendable {
  /// One process with its absolute folder and executable.
  struct Process: Sendable {
    var spec: ProcessSpec
    var workingDirectory: String
    var executable: String
  }

  /// The validated config.
  public let pool: PoolConfig
  /// The processes in start order.
  let processes: [Process]
}
