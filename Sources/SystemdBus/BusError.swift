#if canImport(Glibc)
import Glibc
#endif

/// An error from sd-bus or from a D-Bus peer: the errno, the D-Bus error name when the peer sent
/// one (e.g. `org.freedesktop.systemd1.NoSuchUnit`) and a human-readable message.
public struct BusError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The positive errno value (sd-bus maps D-Bus error names to errno values too).
  public var errno: Int32
  /// The D-Bus error name, when the error came back in a reply.
  public var name: String?
  /// A human-readable message (the peer's text, or `strerror` for local failures).
  public var message: String
  /// The C function or D-Bus method that failed, for diagnostics.
  public var function: String?

  /// Creates an error from all its parts.
  public init(errno: Int32, name: String? = nil, message: String, function: String? = nil) {
    self.errno = errno
    self.name = name
    self.message = message
    self.function = function
  }

  /// Creates a local error (no D-Bus name) whose message is `strerror(errno)`.
  init(errno: Int32, function: String) {
    self.init(errno: errno, name: nil, message: BusError.describe(errno: errno), function: function)
  }

  /// `strerror` for `errno`.
  static func describe(errno: Int32) -> String {
    guard let text = strerror(errno) else { return "errno \(errno)" }
    return String(cString: text)
  }

  /// The well-known D-Bus error names this package tests for.
  public enum Name {
    /// systemd: the unit is not loaded.
    public static let noSuchUnit = "org.freedesktop.systemd1.NoSuchUnit"
    /// systemd: a unit with that name already exists (e.g. a transient unit).
    public static let unitExists = "org.freedesktop.systemd1.UnitExists"
    /// systemd: the unit has no process to signal.
    public static let noSuchProcess = "org.freedesktop.systemd1.NoSuchProcess"
    /// systemd: the job does not exist.
    public static let noSuchJob = "org.freedesktop.systemd1.NoSuchJob"
    /// systemd: the unit is masked.
    public static let unitMasked = "org.freedesktop.systemd1.UnitMasked"
    /// systemd: the job could not be queued because of a transaction conflict.
    public static let transactionIsDestructive = "org.freedesktop.systemd1.TransactionIsDestructive"
    /// D-Bus: the caller lacks the privilege.
    public static let accessDenied = "org.freedesktop.DBus.Error.AccessDenied"
    /// D-Bus: the caller is not authorized by polkit.
    public static let interactiveAuthorizationRequired = "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired"
    /// D-Bus: the method is unknown.
    public static let unknownMethod = "org.freedesktop.DBus.Error.UnknownMethod"
    /// D-Bus: the property is unknown.
    public static let unknownProperty = "org.freedesktop.DBus.Error.UnknownProperty"
    /// D-Bus: the arguments were invalid.
    public static let invalidArgs = "org.freedesktop.DBus.Error.InvalidArgs"
    /// D-Bus: no reply arrived in time.
    public static let noReply = "org.freedesktop.DBus.Error.NoReply"
  }

  /// True for `org.freedesktop.systemd1.NoSuchUnit` (the unit is not loaded).
  public var isNoSuchUnit: Bool { name == Name.noSuchUnit }
  /// True for `org.freedesktop.systemd1.UnitExists`.
  public var isUnitExists: Bool { name == Name.unitExists }
  /// True for `org.freedesktop.systemd1.NoSuchProcess`.
  public var isNoSuchProcess: Bool { name == Name.noSuchProcess }
  /// True for `org.freedesktop.systemd1.NoSuchJob`.
  public var isNoSuchJob: Bool { name == Name.noSuchJob }
  /// True when the peer refused for lack of privilege (AccessDenied, or an EACCES/EPERM failure).
  public var isAccessDenied: Bool {
    name == Name.accessDenied || name == Name.interactiveAuthorizationRequired
      || (name == nil && (errno == EACCES || errno == EPERM))
  }
  /// True when the method or property is unknown to the peer.
  public var isUnknownMethod: Bool { name == Name.unknownMethod || name == Name.unknownProperty }
  /// True when the call or wait timed out.
  public var isTimeout: Bool { name == Name.noReply || errno == ETIMEDOUT }
  /// True when the connection is gone or could not be made (the peer is not there).
  public var isDisconnected: Bool {
    name == nil && [ECONNREFUSED, ECONNRESET, ENOTCONN, ENOENT, ENOMEDIUM, EPIPE, ESHUTDOWN].contains(errno)
  }

  /// `"<message> (<name>)"`, or `"<function>: <message>"` for local failures.
  public var description: String {
    if let name { return "\(message) (\(name))" }
    if let function { return "\(function): \(message)" }
    return message
  }
}
