import ArgumentParser
import CgiPoolRuntime
import ProcessConfig
import UnitCompiler

/// `cgipool stop`: stops the pool (or some processes) and checks nothing is left.
struct Stop: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "stop",
    abstract: "Stop the pool's processes: SIGTERM, then SIGKILL after each one's stop_timeout.",
    discussion: """
      Dependents stop before their dependencies. Afterwards every stopped unit's cgroup is
      checked to be empty, so no process of the pool is left behind. Stopping what is not
      running is not an error.
      """
  )

  @OptionGroup var configOptions: ConfigOptions
  @OptionGroup var managerOptions: ManagerOptions

  @Argument(help: "Processes to stop, with their dependents (default: all).", completion: ProcessNameCompletion.kind)
  var processes: [String] = []

  @Flag(help: "Kill at once (SIGKILL) instead of waiting for a graceful exit.")
  var force = false

  @Option(help: "Seconds to wait for the graceful stop before killing what is left.")
  var timeout: Double?

  @Flag(help: "Reap orphaned pool processes (outside the pool's units) after stopping.")
  var cleanup = false

  func validate() throws {
    if let timeout, !(timeout > 0) { throw ValidationError("--timeout must be > 0") }
  }

  func run() throws {
    if let across = try AcrossHosts.plan(config: configOptions, manager: managerOptions, processes: processes) {
      if cleanup { throw ValidationError("--cleanup works on one host: run `cgipool cleanup --host H` per host") }
      guard across.stop(processes, force: force, timeout: timeout) else {
        printError("error: the pool is not stopped on every host (see above)")
        throw ExitCode.failure
      }
      print("nothing of \(processes.isEmpty ? "the pool" : processes.joined(separator: ", ")) is left running on any host")
      return
    }
    guard let session = try RuntimeSession.open(
      config: configOptions, manager: managerOptions, startPrivate: false, processes: processes, compileUnits: false,
      liveReplicas: true) else {
      let pool = try configOptions.load()
      if let dead = RuntimeSession.deadManager(pool: pool, manager: managerOptions) {
        try stopUnsupervised(dead, pool: pool)
        return
      }
      print("no manager running: nothing of the pool runs")
      if cleanup { try CleanupRunner.run(pool: pool) }
      return
    }
    let report: StopReport
    do {
      report = try session.runtime.stop(processes, force: force, timeout: timeout)
    } catch {
      printError("error: \(error)")
      throw ExitCode.failure
    }
    for result in report.results {
      print(StopOutput.line(result))
    }
    if cleanup { try CleanupRunner.run(pool: session.pool) }
    if report.nothingLeft {
      print("nothing of \(processes.isEmpty ? "the pool" : processes.joined(separator: ", ")) is left running")
    } else {
      printError("error: processes survived the stop (see above)")
      throw ExitCode.failure
    }
  }
}

extension Stop {
  /// The pool's private manager died: its processes run unsupervised in its cgroups. End them
  /// as a stop would (SIGTERM, SIGKILL after stop_timeout), then remove its stale state.
  func stopUnsupervised(_ dead: DeadManager, pool: PoolConfig) throws {
    print(DeadManagerOutput.headline(dead, pool: pool.name))
    if !processes.isEmpty {
      // Without a manager nothing would restart what is left: stop all of it.
      print("note: with the manager dead, the whole pool stops, not only \(processes.joined(separator: ", "))")
    }
    if dead.processes.isEmpty {
      print("no process of the pool is left in its cgroups; removing its stale state")
    } else {
      print("ending the \(dead.processes.count) unsupervised process(es) it left running")
    }
    let report: StopReport
    do {
      report = try dead.end(pool: pool, force: force, timeout: timeout)
    } catch {
      printError("error: \(error)")
      throw ExitCode.failure
    }
    for result in report.results { print(StopOutput.line(result)) }
    if cleanup { try CleanupRunner.run(pool: pool) }
    let left = PoolCensus.processes(pool: pool.name, units: PoolCensus.units(of: pool.processNames, names: UnitNames(pool: pool.name)), cgroupRoot: "/" + dead.privateManager.cgroupName)
    if report.nothingLeft && left.isEmpty {
      print("nothing of the pool is left running")
    } else {
      printError("error: processes survived the stop: \(left.values.flatMap { $0 }.sorted().map(String.init).joined(separator: " "))")
      throw ExitCode.failure
    }
  }
}

/// Lines `cgipool stop` prints.
enum StopOutput {
  static func line(_ result: ProcessStopResult) -> String {
    switch result.outcome {
    case .stopped: return "stopped     \(result.process)"
    case .killed: return "killed      \(result.process) (did not exit on SIGTERM in time)"
    case .notRunning: return "not running \(result.process)"
    case .survivors(let pids): return "SURVIVED    \(result.process): pids \(pids.map(String.init).joined(separator: " "))"
    }
  }
}
