/// One entry of a process's `depends_on`: which process, what "ready" means, and whether
/// the dependency's restarts reach this process.
public struct Dependency: Sendable, Equatable {
  /// When a dependency counts as ready for its dependent to start.
  public enum Condition: String, Sendable, Equatable, CaseIterable {
    /// Running and past its health check (the default); running, when it has none.
    case healthy
    /// Its main process has been started (its health check may still be running).
    case started
    /// It ran and exited with status 0 (a one-shot step such as a migration).
    case completedSuccessfully = "completed_successfully"
  }

  /// The process depended on.
  public var process: String
  /// When it counts as ready.
  public var condition: Condition
  /// Whether a restart or stop of the dependency restarts or stops this process too.
  public var restart: Bool

  /// Creates a dependency; the defaults are those of a plain `"name"` entry.
  public init(process: String, condition: Condition = .healthy, restart: Bool = false) {
    self.process = process
    self.condition = condition
    self.restart = restart
  }
}
