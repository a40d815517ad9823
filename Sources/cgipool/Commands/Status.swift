import ArgumentParser
import CgiPoolRuntime

/// `cgipool status`: the pool's processes as systemd reports them.
struct Status: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "status",
    abstract: "Show each process's state, PID, uptime, restarts, memory and health.",
    discussion: "Exits 0 when every process is active, 3 otherwise (as `systemctl is-active`)."
  )

  @OptionGroup var configOptions: ConfigOptions
  @OptionGroup var managerOptions: ManagerOptions

  @Argument(help: "Processes to show (default: all).")
  var processes: [String] = []

  @Flag(help: "Print JSON instead of a table.")
  var json = false

  func run() throws {
    guard let session = try RuntimeSession.open(
      config: configOptions, manager: managerOptions, startPrivate: false, processes: processes, compileUnits: false) else {
      let pool = try configOptions.load()
      if json {
        print(#"{"manager": null, "pool": "\#(pool.name)", "processes": []}"#)
      } else {
        print("pool \(pool.name): no manager running (start it with `cgipool start`)")
      }
      throw ExitCode(3)
    }
    let status: PoolStatus
    do {
      status = try session.runtime.status(processes)
    } catch {
      printError("error: \(error)")
      throw ExitCode.failure
    }
    print(json ? StatusFormatter.json(status) : StatusFormatter.table(status))
    if !status.allActive { throw ExitCode(3) }
  }
}
