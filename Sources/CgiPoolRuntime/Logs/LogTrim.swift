/// What one trim did.
public struct LogTrim: Sendable, Equatable {
  /// How the older part left the file.
  public enum Method: String, Sendable {
    /// Cut from the head under the writers' lock: nothing lost.
    case collapse
    /// Copied, then the file truncated (a file system without collapse): lines written in
    /// between are lost.
    case copyTruncate = "copy-truncate"
  }

  /// The log file.
  public var path: String
  /// The oldest bytes, beyond what `<file>.1` keeps, that are gone.
  public var dropped: Int64
  /// Bytes now in `<file>.1`.
  public var moved: Int64
  /// Bytes left in the file right after the trim.
  public var kept: Int64
  /// How.
  public var method: Method

  /// One line for the helper's own log.
  public var summary: String {
    "\(path): moved \(moved) bytes to \(LogTrimmer.previous(of: path)), dropped \(dropped), kept \(kept) (\(method.rawValue))"
  }
}
