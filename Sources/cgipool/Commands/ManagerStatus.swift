import ArgumentParser
import CgiPoolRuntime

/// `cgipool manager status`: which manager cgipool would use, and the private manager's state.
struct ManagerStatus: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "status",
    abstract: "Show which systemd manager cgipool uses and whether the private one runs.")

  @OptionGroup var pool: PoolOptions
  @OptionGroup var manager: ManagerOptions

  func run() throws {
    let locator = manager.locator(pool: try pool.poolName())
    if let located = try locator.locate(startPrivate: false) {
      print("manager: \(located)")
    } else {
      print("manager: no manager running")
    }
    let privateManager = locator.privateManager
    switch privateManager.status() {
    case .notRunning:
      print("private manager: not running (\(privateManager.runtimeDirectory))")
    case .running(let pid, let version, _):
      print("private manager: running, pid \(pid), systemd \(version), \(privateManager.runtimeDirectory)")
    case .stale(let pid, let reason):
      let which = pid.map { " (pid \($0))" } ?? ""
      print("private manager: stale\(which): \(reason); `cgipool manager stop` cleans up")
    }
  }
}
