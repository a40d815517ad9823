/// What `stop` did for one process.
public struct ProcessStopResult: Sendable, Equatable {
  /// How the stop went.
  public enum Outcome: Sendable, Equatable {
    /// It stopped on SIGTERM.
    case stopped
    /// It ignored SIGTERM and was killed (after its stop timeout, or at once with `--force`).
    case killed
    /// It was not running.
    case notRunning
    /// Processes are still left in its cgroup; the PIDs are listed.
    case survivors([Int32])
  }

  /// The process name.
  public var process: String
  /// The unit name.
  public var unit: String
  /// What happened.
  public var outcome: Outcome

  /// Creates a result.
  public init(process: String, unit: String, outcome: Outcome) {
    self.process = process
    self.unit = unit
    self.outcome = outcome
  }
}

/// Everything `stop` did, dependents first.
public struct StopReport: Sendable, Equatable {
  /// One entry per process stopped or checked.
  public var results: [ProcessStopResult]

  /// Creates a report.
  public init(results: [ProcessStopResult]) {
    self.results = results
  }

  /// Whether nothing of the stopped processes is left running.
  public var nothingLeft: Bool {
    results.allSatisfy { if case .survivors = $0.outcome { return false } else { return true } }
  }
}
