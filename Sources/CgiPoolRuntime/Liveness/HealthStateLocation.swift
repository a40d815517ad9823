import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Where a pool's liveness state lives: the one rule for the health unit that writes it and
/// `cgipool status` that reads it.
///
/// Every manager kind gets a folder its units can write and its users can read:
/// - a private manager (or any manager reached at `unix:path=<dir>/systemd/private`):
///   `<dir>/health`, beside its socket;
/// - the system manager: `/run/cgipool/health`;
/// - a user manager: `$XDG_RUNTIME_DIR/cgipool/health` (`/run/user/<uid>/...`), which that user owns.
public enum HealthStateLocation {
  /// The folder for a manager of `kind` reached at `address` (nil: the default system or user bus).
  public static func directory(
    kind: ManagerEndpoint.Kind, address: String?, environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> String {
    let suffix = "/systemd/private"
    if let address, address.hasPrefix("unix:path="), address.hasSuffix(suffix) {
      return String(address.dropFirst("unix:path=".count).dropLast(suffix.count)) + "/health"
    }
    switch kind {
    case .system, .privateManager:
      return "/run/cgipool/health"
    case .remote:
      // The other machine's system manager: its health unit writes there (not readable from here).
      return "/run/cgipool/health"
    case .user, .address:
      // A bus daemon reached by address is the caller's: the system one for root, else the user's.
      if kind == .address && getuid() == 0 { return "/run/cgipool/health" }
      let runtime = environment["XDG_RUNTIME_DIR"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? "/run/user/\(getuid())"
      return runtime + "/cgipool/health"
    }
  }

  /// The state file of `pool` in `directory`: `<directory>/<pool>.state`.
  public static func file(pool: String, directory: String) -> String {
    directory + "/" + pool + ".state"
  }

  /// The state file of `pool` under the manager at `endpoint`.
  public static func file(pool: String, endpoint: ManagerEndpoint) -> String {
    file(pool: pool, directory: directory(kind: endpoint.kind, address: endpoint.address))
  }
}
