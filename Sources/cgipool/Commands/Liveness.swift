import ArgumentParser
import CgiPoolRuntime
import Foundation
import SystemdBus
import UnitCompiler

#if canImport(Glibc)
  import Glibc
#endif

/// `cgipool liveness`: the pool's health unit (`<pool>.health.service`) runs this.
struct Liveness: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "liveness",
    abstract: "Check the liveness of a pool's processes (what <pool>.health.service runs).",
    discussion: """
      Checks every process given with --check every interval while its unit is active, in this
      one process: port and http checks on non-blocking sockets, https on threads, command checks
      as child processes (at most --command-limit at once, each killed at its timeout). After
      failure_threshold consecutive failures it kills the process's unit (SIGKILL) so systemd
      restarts it (Restart=always). It publishes the last results where `cgipool status` reads
      them, tells systemd it is alive (Type=notify, WatchdogSec=) and runs until SIGTERM.
      The compiler writes the --check arguments; see `cgipool generate units`.
      """
  )

  @Option(help: "The pool's name (names the state file).")
  var pool: String

  @Option(name: .customLong("bus"), help: ArgumentHelp("The manager's D-Bus address (default: the manager running this service: a user manager when $MANAGERPID is set, else the system manager for root, else the user's).", valueName: "address"))
  var busAddress: String?

  @Option(name: .customLong("check"), help: ArgumentHelp("One process's check, as the compiler writes it (JSON).", valueName: "json"))
  var checks: [String] = []

  @Option(help: "The most command checks running at once.")
  var commandLimit: Int = LivenessMonitor.defaultCommandLimit

  @Option(name: .customLong("state-file"), help: ArgumentHelp("Publish results here instead of the manager's state folder.", valueName: "path"))
  var stateFile: String?

  func validate() throws {
    guard commandLimit >= 1 else { throw ValidationError("--command-limit must be at least 1") }
    guard !checks.isEmpty else { throw ValidationError("give at least one --check") }
  }

  func run() throws {
    var parsed: [LivenessCheck] = []
    for argument in checks {
      switch LivenessCheck.parse(argument) {
      case .success(let check): parsed.append(check)
      case .failure(let error):
        printError("liveness: --check: \(error)")
        throw ExitCode(64)
      }
    }
    // Units compiled for the system manager or a user manager carry no address: ask which runs us.
    let endpoint = busAddress.map(ManagerEndpoint.explicit) ?? .runningThisService()
    let path = stateFile ?? HealthStateLocation.file(pool: pool, endpoint: endpoint)
    let manager: SystemdManager
    do {
      manager = try endpoint.connect()
    } catch {
      printError("liveness: cannot reach the \(endpoint): \(error)")
      throw ExitCode.failure
    }
    let notifier = ServiceNotifier()
    let hooks = LivenessMonitor.Hooks(
      ready: { notifier.ready(status: $0) },
      watchdog: { notifier.watchdog() },
      line: { check, line in Self.write(line, for: check) })
    let monitor: LivenessMonitor
    do {
      monitor = try LivenessMonitor(
        checks: parsed, manager: BusSystemdManager(manager: manager, description: "\(endpoint)"),
        stateFile: HealthStateFile(path: path), hooks: hooks, watchdogInterval: notifier.watchdogInterval,
        commandLimit: commandLimit)
    } catch {
      printError("liveness: \(error)")
      throw ExitCode(64)
    }
    print("checking \(parsed.count) process\(parsed.count == 1 ? "" : "es"); results in \(path)")
    Interrupts.install()
    monitor.run(isCancelled: { Interrupts.requested })
    notifier.stopping()
  }

  /// A check's line goes to the process's log file (where the readiness probe's lines are),
  /// or, under the journal, to this unit's output prefixed with the process's name.
  static func write(_ line: String, for check: LivenessCheck) {
    guard let logFile = check.logFile else {
      print("\(check.process): \(line)")
      return
    }
    let fd = open(logFile, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o640)
    guard fd >= 0 else {
      print("\(check.process): \(line)")
      return
    }
    defer { close(fd) }
    let bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
  }
}
