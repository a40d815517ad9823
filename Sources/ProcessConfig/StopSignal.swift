/// The config's `stop_signal`: what systemd sends a process's cgroup to stop it
/// (`KillSignal=`), SIGKILL following after `stop_timeout`.
///
/// The signals programs use for a graceful stop: SIGTERM for most, SIGQUIT for nginx and
/// gunicorn's graceful shutdown, SIGINT for uwsgi and Ctrl+C-minded programs, SIGWINCH for
/// Apache's graceful stop, SIGHUP and SIGUSR1/2 for whatever defines them so.
public enum StopSignal: String, Sendable, Equatable, CaseIterable {
  /// 15, the default.
  case term = "SIGTERM"
  /// 2.
  case int = "SIGINT"
  /// 3.
  case quit = "SIGQUIT"
  /// 1.
  case hup = "SIGHUP"
  /// 10.
  case usr1 = "SIGUSR1"
  /// 12.
  case usr2 = "SIGUSR2"
  /// 28.
  case winch = "SIGWINCH"
  /// 9: no graceful stop at all.
  case kill = "SIGKILL"

  /// The signal's number on Linux.
  public var number: Int32 {
    switch self {
    case .term: 15
    case .int: 2
    case .quit: 3
    case .hup: 1
    case .usr1: 10
    case .usr2: 12
    case .winch: 28
    case .kill: 9
    }
  }

  /// The signal for a name as other tools write it: `TERM`, `SIGTERM`, `term`, or its number.
  public init?(lenient text: String) {
    let upper = text.uppercased()
    if let signal = StopSignal(rawValue: upper.hasPrefix("SIG") ? upper : "SIG" + upper) {
      self = signal
    } else if let number = Int32(text), let signal = StopSignal.allCases.first(where: { $0.number == number }) {
      self = signal
    } else {
      return nil
    }
  }
}
