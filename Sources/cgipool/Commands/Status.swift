import ArgumentParser
import CgiPoolRuntime

/// `cgipool status`: the pool's processes as systemd reports them.
struct Status: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "status",
    abstract: "Show each process's state, PID, uptime, restarts, memory and health.",
    discussion: """
      Exits 0 when every process is active, 3 otherwise (as `systemctl is-active`), and 4 when \
      the pool's private manager is dead and processes of the pool run unsupervised in its \
      cgroups (they are listed).
      """
  )

  @OptionGroup var configOptions: ConfigOptions
  @OptionGroup var managerOptions: ManagerOptions

  @Argument(help: "Processes to show (default: all).", completion: ProcessNameCompletion.kind)
  var processes: [String] = []

  @Flag(help: "Print JSON instead of a table.")
  var json = false

  func run() throws {
    if let across = try AcrossHosts.plan(config: configOptions, manager: managerOptions, processes: processes) {
      let result = across.status(processes)
      print(
        json
          ? StatusFormatter.json(pool: across.plan.pool.name, hosts: result.hosts)
          : StatusFormatter.table(pool: across.plan.pool.name, hosts: result.hosts))
      if !result.allActive { throw ExitCode(3) }
      return
    }
    guard let session = try RuntimeSession.open(
      config: configOptions, manager: managerOptions, startPrivate: false, processes: processes, compileUnits: false,
      liveReplicas: true) else {
      let pool = try configOptions.load()
      if let dead = RuntimeSession.deadManager(pool: pool, manager: managerOptions) {
        print(json ? DeadManagerOutput.statusJSON(dead, pool: pool.name) : DeadManagerOutput.statusText(dead, pool: pool.name))
        throw ExitCode(dead.processes.isEmpty ? 3 : DeadManagerOutput.unsupervisedExitCode)
      }
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
