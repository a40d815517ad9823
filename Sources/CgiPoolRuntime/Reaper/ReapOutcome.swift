/// What became of one orphan and its descendants.
public enum ReapOutcome: Sendable, Hashable, CustomStringConvertible {
  /// All of its processes had exited before any signal was sent.
  case vanished
  /// All of its processes exited after SIGTERM, within the timeout.
  case terminated
  /// At least one of its processes needed SIGKILL; all are gone now.
  case killed
  /// These PIDs were still running after SIGKILL.
  case survived([Int32])
  /// It was left alone, for this reason.
  case skipped(SkipReason)

  /// Whether none of its processes is left running.
  public var isGone: Bool {
    switch self {
    case .vanished, .terminated, .killed: true
    case .survived, .skipped: false
    }
  }

  /// A short label: `terminated`, `killed`, `survived`, `skipped`, `vanished`.
  public var label: String {
    switch self {
    case .vanished: "vanished"
    case .terminated: "terminated"
    case .killed: "killed"
    case .survived: "survived"
    case .skipped: "skipped"
    }
  }

  /// The outcome in the user's words.
  public var description: String {
    switch self {
    case .vanished: "already gone"
    case .terminated: "terminated (SIGTERM)"
    case .killed: "killed (SIGKILL after timeout)"
    case .survived(let pids): "survived SIGKILL: " + pids.map(String.init).joined(separator: ", ")
    case .skipped(let reason): "skipped: \(reason)"
    }
  }
}
