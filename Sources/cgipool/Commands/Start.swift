import ArgumentParser
import CgiPoolRuntime
import Foundation

/// `cgipool start`: brings the pool (or some processes) up under systemd.
struct Start: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "start",
    abstract: "Start the pool's processes as systemd units, dependencies first.",
    discussion: """
      Validates and compiles the config, then submits every unit at once: systemd starts
      independent processes in parallel, and holds each dependent back until its
      dependencies' health probes pass. Prints each process as it comes up and exits 0 only
      when every requested process is active. Processes already running are left alone.
      Without a systemd to talk to, cgipool starts its private manager first.
      """
  )

  @OptionGroup var configOptions: ConfigOptions
  @OptionGroup var managerOptions: ManagerOptions

  @Argument(help: "Processes to start, with their dependencies (default: all).", completion: ProcessNameCompletion.kind)
  var processes: [String] = []

  @Flag(help: "Reap orphaned pool processes (outside the pool's units) before starting.")
  var cleanup = false

  @Flag(help: "Stay in the foreground showing state changes, restarts and health; Ctrl+C stops the pool.")
  var monitor = false

  func run() throws {
    if let across = try AcrossHosts.plan(config: configOptions, manager: managerOptions, processes: processes) {
      if monitor || cleanup {
        throw ValidationError("--monitor and --cleanup work on one host: use them with --host for a pool across hosts")
      }
      let succeeded = try across.start(processes)
      if Interrupts.requested { throw ExitCode(130) }
      if !succeeded { throw ExitCode.failure }
      return
    }
    guard let session = try RuntimeSession.open(
      config: configOptions, manager: managerOptions, startPrivate: true, processes: processes) else {
      throw ExitCode.failure
    }
    if cleanup { try CleanupRunner.run(pool: session.pool) }
    if let logDirectory = session.runtime.logDirectory {
      do {
        // Every file the units append to, the helper units' too, is made before systemd opens it.
        let names = session.runtime.compiled.logNames
        try LogFolder.prepare(logDirectory, processes: names.isEmpty ? session.pool.processNames : names)
      } catch {
        printError("error: \(error)")
        throw ExitCode.failure
      }
    }
    // The hardened health unit may write only its state folder, and cannot create it where its
    // parent is read-only to it (a user manager's /run/user/UID under ProtectHome=).
    if let healthState = session.runtime.healthState, session.located.endpoint.kind != .remote {
      try? FileManager.default.createDirectory(
        atPath: (healthState.path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    }
    print("starting pool \(session.pool.name) on \(session.located)")
    if let target = session.runtime.installedTarget {
      print("using the installed units (\(target)), not transient ones")
    }
    let clock = ContinuousClock()
    let began = clock.now
    let report: StartReport
    do {
      Interrupts.install()
      report = try session.runtime.start(
        processes, isCancelled: { Interrupts.requested },
        progress: { event in
          print(StartOutput.line(for: event, elapsed: clock.now - began))
        })
    } catch {
      printError("error: \(error)")
      throw ExitCode.failure
    }
    print(StartOutput.summary(report, elapsed: clock.now - began))
    // systemd accepts MemoryMax= and friends without the controller to apply them: say so
    // rather than let a limit be silently ignored. Only this machine's cgroups can be read.
    if session.located.endpoint.kind != .remote, !Interrupts.requested {
      for limit in (try? session.runtime.unenforcedLimits(processes)) ?? [] {
        printError("warning: \(limit.message)")
      }
    }
    if Interrupts.requested {
      // The interrupted start stopped what it submitted; a manager it started is idle now.
      try Monitor.stopPrivateManagerIfStartedHere(session)
      throw ExitCode(130)
    }
    if monitor {
      try Monitor.run(session: session, startedOK: report.succeeded)
      return
    }
    if !report.succeeded { throw ExitCode.failure }
  }
}
