import ArgumentParser
import CgiPoolRuntime
import Foundation
import ProcessConfig

/// `cgipool probe`: the health check behind every unit's `ExecStartPost=` and liveness timer.
struct Probe: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Check a port, URL or command until it is healthy or the timeout passes.",
    discussion: """
      Waits --delay seconds, then retries every 10 ms (backing off to 0.5 s after 2 s) until
      the target is healthy or --timeout passes. Prints one line saying what it saw and exits
      0 when healthy, 1 otherwise. Units run it as ExecStartPost=, so a unit becomes active,
      and its dependents start, only once it is healthy.
      """
  )

  @Argument(help: "port | http | command")
  var kind: String

  @Argument(help: "PORT, HOST:PORT or [IPv6]:PORT; an http(s) URL; or a shell command.")
  var target: String

  @Option(help: "Seconds to keep retrying.")
  var timeout: Double = HealthCheck.defaultTimeout

  @Option(help: "Seconds to wait before the first attempt.")
  var delay: Double = 0

  func validate() throws {
    guard HealthCheck.Kind(rawValue: kind) != nil else {
      throw ValidationError("unknown probe type \"\(kind)\" (expected port, http or command)")
    }
    guard timeout > 0, delay >= 0 else { throw ValidationError("--timeout must be > 0 and --delay >= 0") }
  }

  func run() throws {
    let parsed = ProbeTarget.parse(kind: HealthCheck.Kind(rawValue: kind)!, target: target)
    guard case .success(let probeTarget) = parsed else {
      if case .failure(let error) = parsed { printError("probe: \(error)") }
      throw ExitCode.failure
    }
    let outcome = HealthProbe(target: probeTarget, timeout: timeout, delay: delay).run()
    print((outcome.healthy ? "healthy: " : "unhealthy: ") + outcome.message)
    FileHandle.standardOutput.synchronizeFile()
    if !outcome.healthy { throw ExitCode.failure }
  }
}
