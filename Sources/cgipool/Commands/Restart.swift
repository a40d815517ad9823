import ArgumentParser
import CgiPoolRuntime
import Foundation

/// `cgipool restart`: stop, then start again with the current definition; named processes restart alone.
struct Restart: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "restart",
    abstract: "Restart processes (default: the whole pool), applying the current config.")

  @OptionGroup var configOptions: ConfigOptions
  @OptionGroup var managerOptions: ManagerOptions

  @Argument(help: "Processes to restart, each alone; dependents with restart: true restart too (default: all).", completion: ProcessNameCompletion.kind)
  var processes: [String] = []

  func run() throws {
    if let across = try AcrossHosts.plan(config: configOptions, manager: managerOptions, processes: processes) {
      // Dependents on any host go down with a restarted process, so bring them back too.
      let affected = across.plan.withDependents(processes)
      let stopped = across.stop(processes, force: false, timeout: nil)
      let started = try across.start(processes.isEmpty ? [] : affected.sorted())
      if !(stopped && started) { throw ExitCode.failure }
      return
    }
    guard let session = try RuntimeSession.open(
      config: configOptions, manager: managerOptions, startPrivate: true, processes: processes,
      liveReplicas: true) else {
      throw ExitCode.failure
    }
    let clock = ContinuousClock()
    let began = clock.now
    do {
      let report = try session.runtime.restart(
        processes, stopped: { stop in for result in stop.results { print(StopOutput.line(result)) } },
        progress: { event in print(StartOutput.line(for: event, elapsed: clock.now - began)) },
        rolling: { instance in print("rolling restart: \(instance)") })
      print(StartOutput.summary(report.start, elapsed: clock.now - began))
      if let halted = report.halted { printError(StartOutput.halt(halted, start: report.start)) }
      if !report.start.succeeded { throw ExitCode.failure }
    } catch {
      printError("error: \(error)")
      throw ExitCode.failure
    }
  }
}
