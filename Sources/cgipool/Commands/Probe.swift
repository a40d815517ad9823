import ArgumentParser
import CgiPoolRuntime
import Foundation
import ProcessConfig
import SystemdBus

/// `cgipool probe`: the health check behind every unit's `ExecStartPost=` and liveness timer.
struct Probe: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "probe",
    abstract: "Check a port, URL or command until it is healthy or the timeout passes.",
    discussion: """
      Waits --delay seconds, then retries every 5 ms (10 ms for a command; backing off to 0.5 s after 2 s) until
      the target is healthy or --timeout passes. Prints one line saying what it saw and exits
      0 when healthy, 1 otherwise. Units run it as ExecStartPost=, so a unit becomes active,
      and its dependents start, only once it is healthy.

      With --liveness-of the probe is one liveness check: a single attempt within --timeout.
      It counts consecutive failures and, at --failure-threshold, kills the unit with SIGKILL
      so systemd restarts it (Restart=always) and counts the restart.
      """
  )

  @Argument(help: "port | http | command")
  var kind: HealthCheck.Kind

  @Argument(help: "PORT, HOST:PORT or [IPv6]:PORT; an http(s) URL; or a shell command.")
  var target: String

  @Option(help: "Seconds to keep retrying.")
  var timeout: Double = HealthCheck.defaultTimeout

  @Option(help: "Seconds to wait before the first attempt.")
  var delay: Double = 0

  @Option(help: ArgumentHelp("Liveness mode: the main unit to restart after repeated failures.", valueName: "unit"))
  var livenessOf: String?

  @Option(help: "Liveness mode: consecutive failures before the main unit is restarted.")
  var failureThreshold: Int = HealthCheck.defaultFailureThreshold

  @Option(name: .customLong("bus"), help: ArgumentHelp("Liveness mode: the manager's D-Bus address.", valueName: "address"))
  var busAddress: String?

  func validate() throws {
    guard timeout > 0, delay >= 0 else { throw ValidationError("--timeout must be > 0 and --delay >= 0") }
    guard failureThreshold >= 1 else { throw ValidationError("--failure-threshold must be at least 1") }
  }

  func run() throws {
    let parsed = ProbeTarget.parse(kind: kind, target: target)
    guard case .success(let probeTarget) = parsed else {
      if case .failure(let error) = parsed { printError("probe: \(error)") }
      throw ExitCode.failure
    }
    // Under ExecStartPost= systemd passes the main process's PID; the probe stops waiting once it has ended.
    let mainPID = livenessOf == nil ? ProcessInfo.processInfo.environment["MAINPID"].flatMap { Int32($0) } : nil
    let probe = HealthProbe(target: probeTarget, timeout: timeout, delay: delay, mainPID: mainPID)
    guard let unit = livenessOf else {
      let outcome = probe.run()
      print((outcome.healthy ? "healthy: " : "unhealthy: ") + outcome.message)
      if !outcome.healthy { throw ExitCode.failure }
      return
    }
    try checkLiveness(probe.checkOnce(), unit: unit)
  }

  /// Liveness mode: count consecutive failures; at the threshold, kill the main unit so
  /// systemd restarts it under `Restart=always` (and counts it in `NRestarts`).
  private func checkLiveness(_ outcome: ProbeOutcome, unit: String) throws {
    let tracker = LivenessTracker(directory: LivenessTracker.directory(busAddress: busAddress), unit: unit)
    if outcome.healthy {
      tracker.recordSuccess()
      print("healthy: " + outcome.message)
      return
    }
    let failures = tracker.recordFailure()
    guard failures >= failureThreshold else {
      print("unhealthy: \(outcome.message) (failure \(failures) of \(failureThreshold) before a restart)")
      throw ExitCode.failure
    }
    tracker.recordSuccess()
    // Said before the kill: the restart that follows stops this check's unit too (PartOf=).
    print("unhealthy: \(outcome.message) (failure \(failures) of \(failureThreshold)): killing \(unit) so systemd restarts it")
    FileHandle.standardOutput.synchronizeFile()
    do {
      // Units generated for the system manager carry no address; user managers are reached through their bus.
      let manager = try (busAddress.map(ManagerEndpoint.explicit) ?? (getuid() == 0 ? .system : .user)).connect()
      try manager.killUnit(unit, who: .all, signal: SIGKILL)
    } catch {
      print("cannot restart \(unit): \(error)")
    }
    throw ExitCode.failure
  }
}
