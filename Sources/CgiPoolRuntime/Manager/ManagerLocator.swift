import Foundation
import ProcessConfig
import SystemdBus

/// Chooses the systemd manager cgipool talks to.
///
/// Explicit choices (`--system`, `--user`, `--bus ADDRESS`, `--private`) are honoured as given.
/// Automatic choice, in order: the system manager when running as root on a host booted with
/// systemd (`/run/systemd/system` exists and PID 1 is `systemd`); else the user manager when it
/// answers; else the private manager (see `PrivateManager`), started on demand when the caller
/// asks for it.
public struct ManagerLocator: Sendable {
  /// Which manager to use.
  public enum Selection: Sendable, Hashable {
    /// Decide as described on the type.
    case automatic
    /// The host's system manager.
    case system
    /// The calling user's manager.
    case user
    /// A manager at an explicit D-Bus address.
    case bus(String)
    /// cgipool's private manager.
    case privateManager
    /// The system manager of another machine, `[USER@]HOST[:PORT]`, over ssh (`--host`).
    case remote(String)
  }

  /// The selection.
  public var selection: Selection
  /// The private manager used by `.privateManager` and as the automatic fallback.
  public var privateManager: PrivateManager
  /// Facts about the host, replaceable in tests.
  public var host: Host
  /// How long connecting to a remote manager (ssh, authentication, the first answer) may take.
  public var connectTimeout: Duration = .seconds(10)

  /// Creates a locator; the private manager's runtime folder follows `PrivateManager.resolve`.
  public init(
    selection: Selection = .automatic, pool: String = PoolConfig.defaultName, runtimeDirectory: String? = nil,
    environment: [String: String] = ProcessInfo.processInfo.environment, host: Host = .current
  ) {
    self.selection = selection
    self.privateManager = PrivateManager.resolve(pool: pool, runtimeDirectory: runtimeDirectory, environment: environment)
    self.host = host
  }

  /// The host facts the automatic choice depends on.
  public struct Host: Sendable, Equatable {
    /// Running as root.
    public var isRoot: Bool
    /// Booted with systemd as PID 1 (`sd_booted()`-like: `/run/systemd/system` and PID 1's name).
    public var bootedWithSystemd: Bool

    /// Creates host facts.
    public init(isRoot: Bool, bootedWithSystemd: Bool) {
      self.isRoot = isRoot
      self.bootedWithSystemd = bootedWithSystemd
    }

    /// The facts of this host.
    public static var current: Host {
      let comm = (try? String(contentsOfFile: "/proc/1/comm", encoding: .utf8))?
        .trimmingCharacters(in: .whitespacesAndNewlines)
      return Host(isRoot: Posix.isRoot, bootedWithSystemd: Posix.isDirectory("/run/systemd/system") && comm == "systemd")
    }
  }

  /// A manager that was found (and connected to).
  public struct Located: CustomStringConvertible {
    /// Where it answers.
    public var endpoint: ManagerEndpoint
    /// A connected client.
    public var manager: SystemdManager
    /// Its `Version` property.
    public var version: String
    /// True when this call started the private manager.
    public var startedNow: Bool

    /// E.g. "private manager at /run/cgipool/cgipool (systemd 252)".
    public var description: String {
      let major = version.prefix { $0.isNumber }
      return "\(endpoint) (systemd \(major.isEmpty ? version : String(major)))"
    }
  }

  /// The endpoint the selection points at without starting or probing anything, nil for
  /// `.automatic` when it would fall back to a private manager that is not running.
  public func candidate() -> ManagerEndpoint? {
    switch selection {
    case .system: return .system
    case .user: return .user
    case .bus(let address): return .explicit(address)
    case .remote(let host): return .remote(host)
    case .privateManager, .automatic: break
    }
    if selection == .automatic {
      if host.isRoot && host.bootedWithSystemd { return .system }
      if (try? connect(.user, startedNow: false, timeout: Self.probeTimeout)) != nil { return .user }
    }
    if case .running(_, _, let endpoint) = privateManager.status() { return endpoint }
    return nil
  }

  /// Finds the manager and connects to it.
  ///
  /// - Parameter startPrivate: start the private manager when it is the choice and not running
  ///   (commands such as `start` do; `status` and `stop` do not).
  /// - Returns: nil when the choice is a private manager that is not running and `startPrivate`
  ///   is false ("no manager running").
  public func locate(startPrivate: Bool) throws(ManagerError) -> Located? {
    switch selection {
    case .system: return try connect(.system, startedNow: false)
    case .user: return try connect(.user, startedNow: false)
    case .bus(let address): return try connect(.explicit(address), startedNow: false)
    case .remote(let host): return try connect(.remote(host), startedNow: false, timeout: connectTimeout)
    case .privateManager: return try locatePrivate(start: startPrivate)
    case .automatic:
      if host.isRoot && host.bootedWithSystemd { return try connect(.system, startedNow: false) }
      if let user = try? connect(.user, startedNow: false, timeout: Self.probeTimeout) { return user }
      return try locatePrivate(start: startPrivate)
    }
  }

  private func locatePrivate(start: Bool) throws(ManagerError) -> Located? {
    if case .running(_, _, let endpoint) = privateManager.status() {
      return try connect(endpoint, startedNow: false)
    }
    guard start else { return nil }
    let endpoint = try privateManager.start()
    return try connect(endpoint, startedNow: true)
  }

  /// How long probing a user bus for a systemd manager may take.
  static let probeTimeout: Duration = .seconds(5)

  private func connect(_ endpoint: ManagerEndpoint, startedNow: Bool, timeout: Duration? = nil) throws(ManagerError) -> Located {
    do {
      let manager = try endpoint.connect(connectTimeout: timeout ?? connectTimeout)
      manager.callTimeout = timeout
      let version = try manager.version
      manager.callTimeout = nil
      return Located(endpoint: endpoint, manager: manager, version: version, startedNow: startedNow)
    } catch {
      throw .unreachable(manager: endpoint.description, error: error)
    }
  }
}
