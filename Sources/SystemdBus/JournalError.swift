#if canImport(Glibc)
import Glibc
#endif

/// An error from sd-journal: the errno and the C function that returned it.
public struct JournalError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The positive errno value.
  public var errno: Int32
  /// The C function that failed (with its argument where that helps), for diagnostics.
  public var function: String

  /// Creates an error from its parts.
  public init(errno: Int32, function: String) {
    self.errno = errno
    self.function = function
  }

  /// `strerror(errno)`.
  public var message: String {
    guard let text = strerror(errno) else { return "errno \(errno)" }
    return String(cString: text)
  }

  /// `"<function>: <message>"`.
  public var description: String { "\(function): \(message)" }
}
