import ProcessConfig

/// Words for a process that ended soon after it started, from the manager's own timestamps.
///
/// The typical case is a command that daemonizes (`server &`, `--daemon`): its first process
/// exits 0 at once, systemd sees the service end and stops the rest of its cgroup
/// (`KillMode=control-group`), so the server it left is gone too. Without these words the
/// operator sees only `inactive`.
enum EarlyExit {
  /// Seconds the main process ran, when it ended since it last started; `nil` otherwise.
  static func lifetime(_ state: UnitState) -> Double? {
    guard state.mainStartMonotonic > 0, state.mainExitMonotonic >= state.mainStartMonotonic else { return nil }
    return Double(state.mainExitMonotonic - state.mainStartMonotonic) / 1e6
  }

  /// Whether `state` shows a main process that ended by itself within the settle window
  /// (`settle_time`, at least 1 s) after it started.
  static func isEarly(_ state: UnitState, spec: ProcessSpec) -> Bool {
    guard !state.isActive, let lifetime = lifetime(state) else { return false }
    return lifetime <= max(spec.settleTime, 1)
  }

  /// How the main process ended and after how long, e.g. `exited with status 0 after 10 ms;
  /// its children were stopped with it: the command probably daemonized (...)`; `nil` when
  /// the state shows no ended main process.
  static func describe(_ state: UnitState, spec: ProcessSpec) -> String? {
    guard let lifetime = lifetime(state) else { return nil }
    let ended: String
    switch state.execMainCode {
    case 1: ended = FailureExplanation.mainExit(state, spec: spec) ?? "exited with status 0"
    case 2, 3: ended = "was killed by signal \(state.execMainStatus)"
    default: return nil
    }
    // Before the program ran (exit status 200 and up), how long it took says nothing.
    let setup = state.execMainCode == 1 && FailureExplanation.setupFailures[state.execMainStatus] != nil
    var text = setup ? ended : "\(ended) after \(duration(lifetime))"
    if state.execMainCode == 1, state.execMainStatus == 0, spec.restartPolicy != .no, spec.type == .simple {
      text += "; its children were stopped with it: the command probably daemonized"
        + " (run it in the foreground, or set \"type\": \"forking\" and \"pid_file\")"
    }
    return text
  }

  /// `10 ms` under a second, `2.3 s` above.
  static func duration(_ seconds: Double) -> String {
    if seconds < 1 { return "\(Int((seconds * 1000).rounded())) ms" }
    let tenths = (seconds * 10).rounded() / 10
    return tenths == tenths.rounded() ? "\(Int(tenths)) s" : "\(tenths) s"
  }
}
