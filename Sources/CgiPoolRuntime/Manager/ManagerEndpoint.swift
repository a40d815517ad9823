import SystemdBus

/// Where a systemd manager answers and how to connect to it.
public struct ManagerEndpoint: Sendable, Hashable, CustomStringConvertible {
  /// Which kind of manager this is.
  public enum Kind: String, Sendable, Hashable {
    /// The host's system manager (PID 1), over the system bus.
    case system
    /// The calling user's manager, over the user bus.
    case user
    /// A cgipool private manager, over its private socket.
    case privateManager = "private"
    /// A manager at an address given explicitly (`--bus`).
    case address
    /// The system manager of another machine, over ssh (`--host`).
    case remote
  }

  /// The kind of manager.
  public var kind: Kind
  /// The D-Bus address; nil for the default system or user bus.
  public var address: String?
  /// True when `address` is a bus daemon (Hello, sender names), false for a direct socket.
  public var isBusClient: Bool
  /// The private manager's runtime folder.
  public var runtimeDirectory: String?
  /// The private manager's PID.
  public var pid: Int32?
  /// The `[USER@]HOST[:PORT]` of a remote system manager.
  public var host: String?

  /// Creates an endpoint.
  public init(kind: Kind, address: String?, isBusClient: Bool, runtimeDirectory: String? = nil, pid: Int32? = nil) {
    self.kind = kind
    self.address = address
    self.isBusClient = isBusClient
    self.runtimeDirectory = runtimeDirectory
    self.pid = pid
  }

  /// The host's system manager.
  public static let system = ManagerEndpoint(kind: .system, address: nil, isBusClient: true)
  /// The calling user's manager.
  public static let user = ManagerEndpoint(kind: .user, address: nil, isBusClient: true)

  /// The system manager of `host` (`[USER@]HOST[:PORT]`), reached over ssh.
  public static func remote(_ host: String) -> ManagerEndpoint {
    var endpoint = ManagerEndpoint(kind: .remote, address: nil, isBusClient: true)
    endpoint.host = host
    return endpoint
  }

  /// An explicit address: a `unix:path=.../systemd/private` style socket is a direct connection,
  /// anything else is taken to be a bus daemon.
  public static func explicit(_ address: String) -> ManagerEndpoint {
    let direct = address.hasPrefix("unix:path=") && address.hasSuffix("/private")
    return ManagerEndpoint(kind: .address, address: address, isBusClient: !direct)
  }

  /// Opens a connection and wraps it in a `SystemdManager`.
  ///
  /// - Parameter connectTimeout: how long a remote connection (ssh and authentication) may take
  ///   to come up; local sockets connect at once.
  public func connect(connectTimeout: Duration = .seconds(10)) throws(BusError) -> SystemdManager {
    let connection: BusConnection
    if kind == .remote, let host {
      connection = try .systemRemote(host: host)
      try connection.waitUntilReady(timeout: connectTimeout)
      return SystemdManager(connection: connection)
    }
    switch (kind, address) {
    case (.system, nil): connection = try .system()
    case (.user, nil): connection = try .user()
    case (_, let address?): connection = try .open(address: address, isBusClient: isBusClient)
    case (_, nil): connection = try .system()
    }
    return SystemdManager(connection: connection)
  }

  /// "system manager", "user manager", "private manager at /run/cgipool/cgipool", "manager at <address>".
  public var description: String {
    switch kind {
    case .system: "system manager"
    case .user: "user manager"
    case .privateManager: "private manager at \(runtimeDirectory ?? address ?? "?")"
    case .address: "manager at \(address ?? "?")"
    case .remote: "system manager on \(host ?? "?")"
    }
  }
}
