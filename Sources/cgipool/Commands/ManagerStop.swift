import ArgumentParser
import CgiPoolRuntime

/// `cgipool manager stop`: stops the private manager and removes everything it left.
struct ManagerStop: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "stop",
    abstract: "Stop the private systemd manager, its services, cgroups and runtime folder.")

  @OptionGroup var pool: PoolOptions
  @OptionGroup var manager: ManagerOptions

  func validate() throws {
    if manager.selection != .automatic {
      throw ValidationError("manager stop only stops the private manager; --system, --user and --bus are not accepted")
    }
  }

  func run() throws {
    let privateManager = manager.locator(pool: try pool.poolName()).privateManager
    switch try privateManager.stop() {
    case .stopped(let pid):
      print("stopped private manager at \(privateManager.runtimeDirectory) (pid \(pid))")
    case .notRunning:
      print("no manager running")
    }
  }
}
