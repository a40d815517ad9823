/// What `start` did for one process.
public struct ProcessStartResult: Sendable, Equatable {
  /// How a process ended up.
  public enum Outcome: Sendable, Equatable {
    /// Started and healthy.
    case started
    /// It was running already and is left alone.
    case alreadyRunning
    /// It is running with an older definition; `cgipool restart` applies the new one.
    case restartNeeded(String)
    /// Its start failed; the text says why (exit status, probe output, timeout).
    case failed(String)
    /// Not started because a dependency failed.
    case dependencyFailed(String)
    /// Its start failed but systemd keeps restarting it per its policy.
    case restarting(String)
    /// A oneshot-style process (`restart_policy: no`) that ran and finished successfully.
    case finished
    /// The start was interrupted (Ctrl+C) and what it had started was stopped again.
    case canceled(String)
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

  /// Whether this result counts as success for the command's exit status.
  public var isSuccess: Bool {
    switch outcome {
    case .started, .alreadyRunning, .restartNeeded, .finished: return true
    case .failed, .dependencyFailed, .restarting, .canceled: return false
    }
  }
}

/// Everything `start` did, in start order.
public struct StartReport: Sendable, Equatable {
  /// One entry per requested process.
  public var results: [ProcessStartResult]

  /// Creates a report.
  public init(results: [ProcessStartResult]) {
    self.results = results
  }

  /// Whether every requested process is up.
  public var succeeded: Bool { results.allSatisfy(\.isSuccess) }
}

/// A step of `start` as it happens, for live progress output.
public enum StartEvent: Sendable, Equatable {
  /// A unit was submitted to the manager.
  case submitted(process: String, unit: String)
  /// A process's start job finished.
  case finished(ProcessStartResult)
}
