import ArgumentParser
import CgiPoolRuntime
import ProcessConfig

/// Options that choose the systemd manager a command talks to; shared by every command that
/// needs one.
struct ManagerOptions: ParsableArguments {
  @Flag(help: "Use the host's system manager (systemd as PID 1).")
  var system = false

  @Flag(help: "Use the calling user's manager (systemd --user).")
  var user = false

  @Option(name: .customLong("bus"), help: ArgumentHelp(
    "Use the manager at this D-Bus address (e.g. unix:path=/run/cgipool/cgipool/systemd/private).",
    valueName: "address"))
  var busAddress: String?

  @Option(name: .customLong("host"), help: ArgumentHelp(
    "Use the system manager of another machine over ssh, as `systemctl -H` (ssh options from your ssh configuration, or the `ssh` first on PATH).",
    valueName: "[user@]host[:port]"))
  var host: String?

  @Option(name: .customLong("connect-timeout"), help: ArgumentHelp(
    "Seconds connecting to a remote host may take before it is reported unreachable.",
    valueName: "seconds"))
  var connectTimeout: Double = 10

  @Option(name: .customLong("runtime-dir"), help: ArgumentHelp(
    "The private manager's runtime folder (default: $CGIPOOL_RUNTIME_DIR, else /run/cgipool/<pool>).",
    valueName: "path"))
  var runtimeDirectory: String?

  func validate() throws {
    let chosen = [
      system ? "--system" : nil, user ? "--user" : nil, busAddress.map { _ in "--bus" }, host.map { _ in "--host" },
    ].compactMap { $0 }
    if chosen.count > 1 {
      throw ValidationError("\(chosen.joined(separator: ", ")) cannot be combined: choose one manager")
    }
    if let busAddress, busAddress.isEmpty {
      throw ValidationError("--bus needs a D-Bus address")
    }
    if let host, let problem = RemoteHost.problem(host) {
      throw ValidationError("--host \(host): \(problem)")
    }
    if !(connectTimeout > 0) || !connectTimeout.isFinite {
      throw ValidationError("--connect-timeout must be a positive number of seconds")
    }
  }

  /// The selection the flags make; `.automatic` when none is given.
  var selection: ManagerLocator.Selection {
    if system { return .system }
    if user { return .user }
    if let busAddress { return .bus(busAddress) }
    if let host { return .remote(host) }
    return .automatic
  }

  /// A locator for `pool` honouring these options.
  func locator(pool: String) -> ManagerLocator {
    var locator = ManagerLocator(selection: selection, pool: pool, runtimeDirectory: runtimeDirectory)
    locator.connectTimeout = .milliseconds(Int64((connectTimeout * 1000).rounded(.up)))
    return locator
  }
}
