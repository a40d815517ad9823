import ArgumentParser
import CgiPoolRuntime

/// `cgipool manager start`: starts the private manager, or reports the running one.
struct ManagerStart: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "start",
    abstract: "Start the private systemd manager (idempotent).")

  @OptionGroup var pool: PoolOptions
  @OptionGroup var manager: ManagerOptions

  func validate() throws {
    if manager.selection != .automatic {
      throw ValidationError("manager start only starts the private manager; --system, --user and --bus select a manager that already runs")
    }
  }

  func run() throws {
    var locator = manager.locator(pool: try pool.poolName())
    locator.selection = .privateManager
    guard let located = try locator.locate(startPrivate: true) else {
      throw ManagerError.noManagerRunning
    }
    let pid = located.endpoint.pid.map { ", pid \($0)" } ?? ""
    print(located.startedNow ? "started \(located)\(pid)" : "already running: \(located)\(pid)")
  }
}
