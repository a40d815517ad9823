import ArgumentParser
import CgiPoolRuntime

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

  @Argument(help: "Processes to stop, with their dependents (default: all).")
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
    guard let session = try RuntimeSession.open(
      config: configOptions, manager: managerOptions, startPrivate: false, processes: processes, compileUnits: false) else {
      print("no manager running: nothing of the pool runs")
      if cleanup { try CleanupRunner.run(pool: try configOptions.load()) }
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
