import SystemdBus

#if canImport(Glibc)
  import Glibc
#endif

/// A failed manager call: the D-Bus error name and message, or a local failure.
public struct SystemdError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The D-Bus error name, e.g. `org.freedesktop.systemd1.NoSuchUnit`, when the manager answered with one.
  public var name: String?
  /// What went wrong.
  public var message: String
  /// The errno behind a local failure (connecting, marshalling), 0 otherwise.
  public var errno: Int32

  /// Creates an error.
  public init(name: String? = nil, message: String, errno: Int32 = 0) {
    self.name = name
    self.message = message
    self.errno = errno
  }

  /// The unit is not loaded.
  public var isNoSuchUnit: Bool { name == BusError.Name.noSuchUnit }
  /// The wait was interrupted (Ctrl+C, SIGTERM).
  public var isCancelled: Bool { errno == ECANCELED }
  /// A unit of that name exists already.
  public var isUnitExists: Bool { name == BusError.Name.unitExists }

  /// `message (name)`.
  public var description: String {
    name.map { "\(message) (\($0))" } ?? message
  }
}
