/// The config's `type`: how the process tells systemd it has started.
public enum ProcessType: String, Sendable, Equatable, CaseIterable {
  /// The command itself is the process and stays in the foreground (systemd `Type=exec`).
  case simple
  /// The command forks a daemon and exits; the daemon is the process (systemd `Type=forking`,
  /// with `PIDFile=` from `pid_file` when given).
  case forking
}
