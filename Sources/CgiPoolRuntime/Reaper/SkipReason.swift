/// Why an orphan was found but not signalled.
public enum SkipReason: String, Sendable, Hashable, CustomStringConvertible {
  /// The reap was a dry run.
  case dryRun = "dry-run"
  /// It belongs to another user and `includeOtherUsers` was off.
  case otherUser = "other-user"
  /// It is this process or one of its ancestors (or PID 1).
  case ancestor = "ancestor"

  /// The reason in the user's words.
  public var description: String {
    switch self {
    case .dryRun: "dry run"
    case .otherUser: "belongs to another user"
    case .ancestor: "is cgipool itself or one of its ancestors"
    }
  }
}
