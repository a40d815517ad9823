import Foundation

/// A trim that could not be done; the file is left as it was or with its older part in both files.
public struct LogTrimError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file involved.
  public var path: String
  /// The call that failed.
  public var operation: String
  /// Its errno.
  public var errno: Int32

  /// `cannot trim PATH: OPERATION: REASON`.
  public var description: String {
    "cannot trim \(path): \(operation): \(String(cString: strerror(errno)))"
  }
}
