/// A failure of the reaper as a whole (per-orphan problems are `ReapOutcome`s).
public enum ReaperError: Error, Sendable, Equatable, CustomStringConvertible {
  /// `/proc` could not be listed (`opendir(3)` failed with this errno).
  case procUnavailable(errno: Int32)
  /// A termination back end failed as a whole (for example, the bus was unreachable).
  case terminatorFailed(String)

  /// The failure in the user's words.
  public var description: String {
    switch self {
    case .procUnavailable(let errno): "cannot list /proc: \(ProcFS.errorMessage(errno))"
    case .terminatorFailed(let message): "termination failed: \(message)"
    }
  }
}
