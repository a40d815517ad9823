/// One setting of the imported file that cgipool does not carry over exactly: data, printed by the CLI.
public struct ImportFinding: Sendable, Equatable, CustomStringConvertible {
  /// How much the finding matters.
  public enum Severity: String, Sendable, Equatable, Comparable {
    /// The setting changes how a process runs and cgipool's config cannot say it: something is lost.
    case lost
    /// Nothing of how the processes run is lost (the old tool's own settings, a renamed process,
    /// a value cgipool already behaves like); said so nothing passes unmentioned.
    case note

    /// `lost` sorts before `note`.
    public static func < (lhs: Severity, rhs: Severity) -> Bool {
      lhs == .lost && rhs == .note
    }
  }

  /// How much the finding matters.
  public var severity: Severity
  /// The imported file as the user named it.
  public var file: String
  /// The 1-based line of the setting, when the format tells it.
  public var line: Int?
  /// Where in the file: `[program:web] stopsignal`, `processes.web.shutdown.signal`, `web`.
  public var path: String
  /// Why it is not carried over, in the user's terms.
  public var reason: String

  /// Creates a finding.
  public init(_ severity: Severity, file: String, line: Int?, path: String, reason: String) {
    self.severity = severity
    self.file = file
    self.line = line
    self.path = path
    self.reason = reason
  }

  /// `lost: file:line: path: reason`, the form the CLI prints.
  public var description: String {
    let place = line.map { "\(file):\($0)" } ?? file
    return "\(severity.rawValue): \(place): \(path): \(reason)"
  }
}
