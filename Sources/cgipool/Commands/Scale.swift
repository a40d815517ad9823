import ArgumentParser
import CgiPoolRuntime
import Foundation
import ProcessConfig

/// `cgipool scale NAME N`: changes how many instances of a replicated process run, in the
/// running pool only.
struct Scale: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "scale",
    abstract: "Change how many instances of a replicated process run, in the running pool only.",
    discussion: """
      New instances start like a normal start (each health-gated); removed ones, the highest
      numbers, are stopped gracefully. The config is not changed: the next start, install or
      boot runs the number of replicas the config says. Only a process with "replicas" of 2 or
      more in the config can be scaled.
      """
  )

  @OptionGroup var configOptions: ConfigOptions
  @OptionGroup var managerOptions: ManagerOptions

  @Argument(help: "The replicated process.", completion: ProcessNameCompletion.kind)
  var process: String

  @Argument(help: "How many instances should run (1 to 1000).")
  var count: Int

  func validate() throws {
    guard (1...1000).contains(count) else { throw ValidationError("the count must be from 1 to 1000, not \(count)") }
  }

  func run() throws {
    let config = try configOptions.load()
    guard let declared = config.declaredProcesses[process] ?? config.processes[process] else {
      throw ValidationError(config.unknownProcessesMessage([process]) ?? "unknown process \(process)")
    }
    guard declared.replicas >= 2 else {
      throw ValidationError(
        "\(process) has no replicas in \(config.file): give it \"replicas\" (2 or more) and restart it to scale it")
    }
    guard
      let session = try RuntimeSession.open(
        config: configOptions, manager: managerOptions, startPrivate: false, liveReplicas: true)
    else {
      printError("error: the pool \(config.name) is not running: scale changes a running pool (start it first)")
      throw ExitCode.failure
    }
    if session.runtime.usesInstalledUnits {
      printError(
        "error: the pool runs from installed unit files: change \"replicas\" in the config and run `cgipool install` again")
      throw ExitCode.failure
    }
    let current = session.pool.replicaCounts[process] ?? declared.replicas
    var failed = false
    if count < current {
      let report: StopReport
      do {
        report = try session.runtime.scaleDown(process, to: count)
      } catch {
        printError("error: \(error)")
        throw ExitCode.failure
      }
      for result in report.results { print(StopOutput.line(result)) }
      // A transient unit keeps the dependencies it was made with: the dependents still name the
      // removed instances in their Wants=, and systemd starts those again when it starts them.
      let removed = report.results.map(\.process)
      let naming = Set(removed.flatMap(session.pool.dependents(of:))).subtracting(removed).sorted()
      if !naming.isEmpty {
        let them = naming.joined(separator: ", ")
        print(
          "note: \(them) still name\(naming.count == 1 ? "s" : "") the removed instances in Wants=: "
            + "a restart or start of \(them) (after a crash too) starts them again")
      }
      if !report.nothingLeft {
        printError("error: processes of the removed instances survived the stop (see above)")
        failed = true
      }
    } else if count > current {
      failed = try scaleUp(session: session, from: current)
    }
    do {
      try session.runtime.scaledReplicas?.update(recording: [process: count], clearing: [])
    } catch {
      printError("warning: cannot record the new count (status and stop still see the running instances): \(error)")
    }
    print(
      "\(process): \(count) instance(s) now run (were \(current)), in the running pool only; "
        + "the config still says \(declared.replicas): the next start uses the config")
    if failed { throw ExitCode.failure }
  }

  /// Starts instances `current+1...count`, each health-gated like a start; true when one failed.
  func scaleUp(session: RuntimeSession, from current: Int) throws -> Bool {
    let scaled = session.pool.withReplicas(session.pool.replicaCounts.merging([process: count]) { _, new in new })
    let grown = try RuntimeSession.session(
      pool: scaled, located: session.located, config: configOptions, manager: managerOptions,
      resolved: try RuntimeSession.resolve(scaled, config: configOptions))
    let added = ((current + 1)...count).map { PoolConfig.instanceName(process, replica: $0) }
    if let logDirectory = grown.runtime.logDirectory {
      do {
        try LogFolder.prepare(logDirectory, processes: grown.runtime.compiled.logNames)
      } catch {
        printError("error: \(error)")
        throw ExitCode.failure
      }
    }
    let clock = ContinuousClock()
    let began = clock.now
    let report: StartReport
    do {
      Interrupts.install()
      report = try grown.runtime.start(
        added, isCancelled: { Interrupts.requested },
        progress: { event in print(StartOutput.line(for: event, elapsed: clock.now - began)) })
    } catch {
      printError("error: \(error)")
      throw ExitCode.failure
    }
    let results = report.results.filter { added.contains($0.process) }
    print(StartOutput.summary(StartReport(results: results), elapsed: clock.now - began))
    return !report.succeeded
  }
}
