import ArgumentParser
import CgiPoolRuntime
import Foundation
import ProcessConfig
import SystemdBus

/// `cgipool probe`: the readiness check behind every unit's `ExecStartPost=`.
struct Probe: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "probe",
    abstract: "Check a port, URL or command until it is healthy or the timeout passes.",
    discussion: """
      Waits --delay seconds, then retries every 5 ms (10 ms for a command; backing off to 0.5 s after 2 s) until
      the target is healthy or --timeout passes. Prints one line saying what it saw and exits
      0 when healthy, 1 otherwise. Units run it as ExecStartPost=, so a unit becomes active,
      and its dependents start, only once it is healthy. Liveness checks while a process runs
      are `cgipool liveness` (the pool's health unit).
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

  func validate() throws {
    guard timeout > 0, delay >= 0 else { throw ValidationError("--timeout must be > 0 and --delay >= 0") }
  }

  func run() throws {
    let parsed = ProbeTarget.parse(kind: kind, target: target)
    guard case .success(let probeTarget) = parsed else {
      if case .failure(let error) = parsed { printError("probe: \(error)") }
      throw ExitCode.failure
    }
    // Under ExecStartPost= systemd passes the main process's PID; the probe stops waiting once it has ended.
    let mainPID = ProcessInfo.processInfo.environment["MAINPID"].flatMap { Int32($0) }
    let probe = HealthProbe(target: probeTarget, timeout: timeout, delay: delay, mainPID: mainPID)
    let outcome = probe.run()
    print((outcome.healthy ? "healthy: " : "unhealthy: ") + outcome.message)
    if !outcome.healthy { throw ExitCode.failure }
  }
}
