import ProcessConfig
import UnitCompiler

/// Words for why a unit did not start, from the job result and the unit's state.
enum FailureExplanation {
  /// systemd's own exit codes for failures before the program ran (see systemd.exec(5)).
  static let setupFailures: [Int32: String] = [
    200: "cannot change to its working directory",
    203: "cannot execute the command",
    205: "cannot set up its environment",
    209: "cannot set up its output (log file)",
    217: "cannot switch user",
    218: "cannot set up its capabilities",
  ]

  /// How the main process's last run ended with a non-zero status, in the user's words; `nil` otherwise.
  static func mainExit(_ state: UnitState, spec: ProcessSpec) -> String? {
    guard state.execMainCode == 1, state.execMainStatus != 0 else { return nil }
    if let setup = setupFailures[state.execMainStatus] {
      return "\(setup) (\(spec.command[0]), exit status \(state.execMainStatus))"
    }
    return "exited with status \(state.execMainStatus)"
  }

  /// Why a start job ended with `jobResult`, from the unit's `state` (`nil`: gone).
  static func describe(jobResult: JobResult, state: UnitState?, spec: ProcessSpec) -> String {
    guard let state else {
      return jobResult == .canceled
        ? "a concurrent stop ended it (its start job was canceled; the unit is gone)" : "start job \(jobResult); the unit is gone"
    }
    if jobResult == .canceled {
      // Another command's stop job replaced this start job: systemd stopped the process on
      // purpose. Neither a crash nor the start limit (with its restart heuristic) is the story.
      var parts = ["a concurrent stop ended it (its start job was canceled)"]
      if state.execMainCode == 2 || state.execMainCode == 3 { parts.append("the process got signal \(state.execMainStatus)") }
      return parts.joined(separator: "; ")
    }
    var parts: [String] = []
    switch state.hitStartLimit(policy: spec.restartPolicy) ? .startLimitHit : state.result {
    case .exitCode:
      if let exit = mainExit(state, spec: spec) {
        parts.append(exit)
      } else if spec.healthCheck != nil {
        parts.append("health probe failed")
      } else {
        parts.append("a start command failed")
      }
    case .signal, .coreDump:
      parts.append("killed by signal \(state.execMainStatus)")
    case .oomKill:
      parts.append(PoolRuntime.oomNote(spec))
    case .timeout:
      if let check = spec.healthCheck {
        parts.append("health probe did not pass within \(spec.startupDelay + check.timeout)s")
      } else {
        parts.append("start timed out")
      }
    case .startLimitHit:
      // ExecMainStatus still holds the last run's end: say how it kept failing, then that systemd gave up.
      if let exit = mainExit(state, spec: spec) {
        parts.append(exit)
      } else if state.execMainCode == 2 || state.execMainCode == 3 {
        parts.append("killed by signal \(state.execMainStatus)")
      }
      parts.append(
        "systemd gave up after \(state.restarts) restart\(state.restarts == 1 ? "" : "s") (start limit hit: \(StartLimit.summary))")
    case .success:
      // The start job succeeded and the process then ended by itself: say how and when.
      parts.append(EarlyExit.describe(state, spec: spec) ?? "start job \(jobResult)")
    default:
      parts.append("result \(state.result)")
    }
    if jobResult != .failed && jobResult != .done { parts.append("job \(jobResult)") }
    return parts.joined(separator: ", ")
  }
}
