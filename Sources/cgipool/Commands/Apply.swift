import ArgumentParser
import CgiPoolRuntime
import Foundation

/// `cgipool apply`: does exactly what `plan` shows.
struct Apply: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "apply",
    abstract: "Bring the running pool to the config: start added, stop removed, restart changed processes.",
    discussion: """
      Prints the plan, then carries it out: changed processes restart with the dependents that \
      follow them, a replicated process's changed instances one at a time, each healthy before \
      the next; unchanged processes keep running with the same PIDs. Exit 0 when every \
      process it started is up.
      """)

  @OptionGroup var configOptions: ConfigOptions
  @OptionGroup var managerOptions: ManagerOptions

  func run() throws {
    if let across = try AcrossHosts.plan(config: configOptions, manager: managerOptions, processes: []) {
      if !(try across.apply()) { throw ExitCode.failure }
      return
    }
    guard let session = try RuntimeSession.open(
      config: configOptions, manager: managerOptions, startPrivate: true, processes: []) else {
      throw ExitCode.failure
    }
    let runtime = session.runtime
    let clock = ContinuousClock()
    let began = clock.now
    do {
      let plan = try runtime.plan(modificationTimes: managerOptions.modificationTimes)
      print(PlanOutput.text(plan, pool: runtime.pool.name, manager: runtime.manager.managerDescription))
      guard plan.hasChanges else { return }
      // Installed unit files change by installing again; a restart only re-reads env files.
      if runtime.usesInstalledUnits && plan.needsUnitFiles {
        printError("error: the pool runs from installed unit files: run `cgipool install` to write the changed units (apply changes transient units, and restarts installed ones whose env files changed)")
        throw ExitCode.failure
      }
      for entry in plan.entries where entry.action == .remove { print("removing   \(entry.process)") }
      let report = try runtime.apply(
        plan, stopped: { report in for result in report.results { print(StopOutput.line(result)) } },
        progress: { event in print(StartOutput.line(for: event, elapsed: clock.now - began)) },
        rolling: { instance in print("rolling restart: \(instance)") })
      if let report {
        print(StartOutput.summary(report.start, elapsed: clock.now - began))
        if let halted = report.halted { printError(StartOutput.halt(halted, start: report.start)) }
        if !report.succeeded { throw ExitCode.failure }
      } else {
        print("applied")
      }
    } catch let error as ExitCode {
      throw error
    } catch {
      printError("error: \(error)")
      throw ExitCode.failure
    }
  }
}
