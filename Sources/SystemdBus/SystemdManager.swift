#if canImport(Glibc)
import Glibc
#endif

/// A typed client of systemd's manager object (`org.freedesktop.systemd1.Manager` at
/// `/org/freedesktop/systemd1`), over any connection: the system bus, a user bus or a manager's
/// private socket.
///
/// Not thread-safe, like its connection.
public final class SystemdManager {
  /// The bus name of systemd.
  public static let destination = "org.freedesktop.systemd1"
  /// The manager object's path.
  public static let path = "/org/freedesktop/systemd1"
  /// The manager interface.
  public static let interface = "org.freedesktop.systemd1.Manager"
  /// The unit interface (properties common to every unit).
  public static let unitInterface = "org.freedesktop.systemd1.Unit"
  /// The service interface (service-specific properties such as `MainPID`).
  public static let serviceInterface = "org.freedesktop.systemd1.Service"
  /// The standard properties interface.
  public static let propertiesInterface = "org.freedesktop.DBus.Properties"

  /// The connection calls go through.
  public let connection: BusConnection
  /// The timeout of each call; nil for sd-bus's default (25 s).
  public var callTimeout: Duration?

  /// Wraps an open connection.
  public init(connection: BusConnection, callTimeout: Duration? = nil) {
    self.connection = connection
    self.callTimeout = callTimeout
  }

  /// The manager's version string, e.g. `"252.39-1~deb12u2"` (property
  /// `org.freedesktop.systemd1.Manager.Version`, read with `org.freedesktop.DBus.Properties.Get`).
  public var version: String {
    get throws(BusError) {
      let value = try property(path: Self.path, interface: Self.interface, name: "Version")
      guard let text = value.stringValue else {
        throw BusError(errno: EBADMSG, message: "Version is not a string: \(value)", function: "Version")
      }
      return text
    }
  }

  /// The numeric major version (`252` for `"252.39-1~deb12u2"`), nil when it does not start with one.
  public var majorVersion: Int? {
    get throws(BusError) {
      Int(try version.prefix { $0.isNumber })
    }
  }

  // MARK: - Jobs

  /// Starts a unit and returns the job path (`org.freedesktop.systemd1.Manager.StartUnit`).
  @discardableResult
  public func startUnit(_ name: String, mode: JobMode = .replace) throws(BusError) -> String {
    try callReturningPath("StartUnit", [.string(name), .string(mode.rawValue)])
  }

  /// Stops a unit and returns the job path (`org.freedesktop.systemd1.Manager.StopUnit`); throws
  /// NoSuchUnit for a unit that is not loaded.
  @discardableResult
  public func stopUnit(_ name: String, mode: JobMode = .replace) throws(BusError) -> String {
    try callReturningPath("StopUnit", [.string(name), .string(mode.rawValue)])
  }

  /// Stops a unit if it is loaded: the job path, or nil when the unit is already gone
  /// (`org.freedesktop.systemd1.Manager.StopUnit`, NoSuchUnit taken as "already stopped").
  @discardableResult
  public func stopUnitIfLoaded(_ name: String, mode: JobMode = .replace) throws(BusError) -> String? {
    do {
      return try stopUnit(name, mode: mode)
    } catch where error.isNoSuchUnit {
      return nil
    }
  }

  /// Restarts a unit and returns the job path (`org.freedesktop.systemd1.Manager.RestartUnit`).
  @discardableResult
  public func restartUnit(_ name: String, mode: JobMode = .replace) throws(BusError) -> String {
    try callReturningPath("RestartUnit", [.string(name), .string(mode.rawValue)])
  }

  /// Sends `signal` to a unit's processes (`org.freedesktop.systemd1.Manager.KillUnit`).
  public func killUnit(_ name: String, who: KillWho = .all, signal: Int32) throws(BusError) {
    _ = try callManager("KillUnit", [.string(name), .string(who.rawValue), .int32(signal)])
  }

  /// Clears a unit's failed state (`org.freedesktop.systemd1.Manager.ResetFailedUnit`).
  public func resetFailedUnit(_ name: String) throws(BusError) {
    _ = try callManager("ResetFailedUnit", [.string(name)])
  }

  /// Clears a unit's failed state, ignoring a unit that is not loaded
  /// (`org.freedesktop.systemd1.Manager.ResetFailedUnit`, NoSuchUnit taken as done).
  public func resetFailedUnitIfLoaded(_ name: String) throws(BusError) {
    do {
      try resetFailedUnit(name)
    } catch where error.isNoSuchUnit {
      return
    }
  }

  /// Creates and starts a transient unit and returns the job path
  /// (`org.freedesktop.systemd1.Manager.StartTransientUnit`, signature `ssa(sv)a(sa(sv))`).
  ///
  /// - Parameters:
  ///   - properties: unit properties in order, e.g. `("ExecStart", ...)`, each value appended as
  ///     a variant of its own signature.
  ///   - aux: auxiliary units created in the same transaction, each with its properties.
  @discardableResult
  public func startTransientUnit(
    _ name: String, mode: JobMode = .fail,
    properties: [(String, BusValue)], aux: [(String, [(String, BusValue)])] = []
  ) throws(BusError) -> String {
    try callReturningPath("StartTransientUnit", [
      .string(name),
      .string(mode.rawValue),
      Self.propertyArray(properties),
      .array("(sa(sv))", aux.map { .struct([.string($0.0), Self.propertyArray($0.1)]) }),
    ])
  }

  // MARK: - Units

  /// The object path of a loaded unit (`org.freedesktop.systemd1.Manager.GetUnit`); throws
  /// NoSuchUnit when it is not loaded.
  public func getUnit(_ name: String) throws(BusError) -> String {
    try callReturningPath("GetUnit", [.string(name)])
  }

  /// The object path of a unit, loading it from disk if needed
  /// (`org.freedesktop.systemd1.Manager.LoadUnit`).
  public func loadUnit(_ name: String) throws(BusError) -> String {
    try callReturningPath("LoadUnit", [.string(name)])
  }

  /// The object path of the unit a process belongs to
  /// (`org.freedesktop.systemd1.Manager.GetUnitByPID`).
  public func getUnitByPID(_ pid: UInt32) throws(BusError) -> String {
    try callReturningPath("GetUnitByPID", [.uint32(pid)])
  }

  /// The loaded units whose active state is in `states` and whose name matches one of the
  /// glob `patterns` (empty = any), sorted by name
  /// (`org.freedesktop.systemd1.Manager.ListUnitsByPatterns`, reply `a(ssssssouso)`).
  public func listUnitsByPatterns(states: [String] = [], patterns: [String] = []) throws(BusError) -> [UnitStatus] {
    let reply = try callManager("ListUnitsByPatterns", [.strings(states), .strings(patterns)])
    let list = try reply.read("a(ssssssouso)")
    var units: [UnitStatus] = []
    for entry in list.arrayValues ?? [] {
      guard let unit = UnitStatus(entry) else {
        throw BusError(errno: EBADMSG, message: "malformed ListUnitsByPatterns entry", function: "ListUnitsByPatterns")
      }
      units.append(unit)
    }
    return units.sorted { $0.name < $1.name }
  }

  /// Every property of `interface` on the object at `path`
  /// (`org.freedesktop.DBus.Properties.GetAll`, reply `a{sv}`); values are unwrapped from their
  /// variants.
  public func properties(path: String, interface: String) throws(BusError) -> [String: BusValue] {
    let message = try connection.methodCall(destination: Self.destination, path: path, interface: Self.propertiesInterface, member: "GetAll")
    try message.append(string: interface)
    let reply = try connection.call(message, timeout: callTimeout)
    let dictionary = try reply.read("a{sv}").dictionaryValue ?? [:]
    return dictionary.mapValues(\.unwrapped)
  }

  /// The properties named in `keys`, of every interface of the object at `path`, in one call
  /// (`org.freedesktop.DBus.Properties.GetAll` with an empty interface name, which sd-bus
  /// answers with all interfaces); the other values are skipped unread.
  public func properties(path: String, only keys: Set<String>) throws(BusError) -> [String: BusValue] {
    let message = try connection.methodCall(destination: Self.destination, path: path, interface: Self.propertiesInterface, member: "GetAll")
    try message.append(string: "")
    let reply = try connection.call(message, timeout: callTimeout)
    return try reply.readProperties(only: keys)
  }

  /// Reads `(path, interface, property)` triples in one pipelined batch
  /// (`org.freedesktop.DBus.Properties.Get` each, sent together); a property the object does not
  /// have gives `nil`.
  public func properties(_ requests: [(path: String, interface: String, name: String)]) throws(BusError) -> [BusValue?] {
    var messages: [BusMessage] = []
    for request in requests {
      let message = try connection.methodCall(
        destination: Self.destination, path: request.path, interface: Self.propertiesInterface, member: "Get")
      try message.append(string: request.interface)
      try message.append(string: request.name)
      messages.append(message)
    }
    var values: [BusValue?] = []
    for reply in try connection.callPipelined(messages, timeout: callTimeout ?? .seconds(25)) {
      switch reply {
      case .success(let message): values.append(try message.read("v").unwrapped)
      case .failure: values.append(nil)
      }
    }
    return values
  }

  /// Every property of `interface` of the unit `name`, loading the unit if needed
  /// (`org.freedesktop.systemd1.Manager.LoadUnit` + `org.freedesktop.DBus.Properties.GetAll`).
  public func unitProperties(_ name: String, interface: String = SystemdManager.unitInterface) throws(BusError) -> [String: BusValue] {
    try properties(path: try loadUnit(name), interface: interface)
  }

  /// One property (`org.freedesktop.DBus.Properties.Get`), unwrapped from its variant.
  public func property(path: String, interface: String, name: String) throws(BusError) -> BusValue {
    let message = try connection.methodCall(destination: Self.destination, path: path, interface: Self.propertiesInterface, member: "Get")
    try message.append(string: interface)
    try message.append(string: name)
    let reply = try connection.call(message, timeout: callTimeout)
    return try reply.read("v").unwrapped
  }

  // MARK: - Manager

  /// Asks the manager to send job and unit signals to this client
  /// (`org.freedesktop.systemd1.Manager.Subscribe`).
  public func subscribe() throws(BusError) {
    _ = try callManager("Subscribe", [])
  }

  /// Undoes `subscribe()` (`org.freedesktop.systemd1.Manager.Unsubscribe`).
  public func unsubscribe() throws(BusError) {
    _ = try callManager("Unsubscribe", [])
  }

  /// Reloads unit files (`org.freedesktop.systemd1.Manager.Reload`; the reply comes once the
  /// reload is done).
  public func reload() throws(BusError) {
    _ = try callManager("Reload", [])
  }

  /// Asks the manager to stop every unit and exit (`org.freedesktop.systemd1.Manager.Exit`;
  /// honoured by user managers only).
  public func exit() throws(BusError) {
    _ = try callManager("Exit", [])
  }

  /// Creates a job waiter: installs the `JobRemoved` match and subscribes, so create it BEFORE
  /// enqueuing the jobs it will wait for.
  public func makeJobWaiter() throws(BusError) -> JobWaiter {
    try JobWaiter(manager: self)
  }

  // MARK: - Calls

  /// Calls `member` on the manager interface with `arguments` and returns the reply
  /// (`sd_bus_message_new_method_call` + `sd_bus_call`).
  public func callManager(_ member: String, _ arguments: [BusValue]) throws(BusError) -> BusMessage {
    let message = try connection.methodCall(destination: Self.destination, path: Self.path, interface: Self.interface, member: member)
    try message.append(contentsOf: arguments)
    do {
      return try connection.call(message, timeout: callTimeout)
    } catch {
      var error = error
      if error.function == "sd_bus_call" { error.function = "\(Self.interface).\(member)" }
      throw error
    }
  }

  private func callReturningPath(_ member: String, _ arguments: [BusValue]) throws(BusError) -> String {
    try callManager(member, arguments).readObjectPath()
  }

  /// An `a(sv)` property list.
  static func propertyArray(_ properties: [(String, BusValue)]) -> BusValue {
    .array("(sv)", properties.map { .struct([.string($0.0), .variant($0.1)]) })
  }
}
