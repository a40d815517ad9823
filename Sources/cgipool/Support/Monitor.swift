import ArgumentParser
import CgiPoolRuntime
import Foundation

/// `cgipool start --monitor`: the foreground view of a running pool.
enum Monitor {
  /// Shows changes until Ctrl+C or SIGTERM, then stops the pool (a second Ctrl+C forces).
  static func run(session: RuntimeSession, startedOK: Bool) throws {
    let runtime = session.runtime
    print("monitoring pool \(session.pool.name) (Ctrl+C stops the pool)")
    do {
      try runtime.monitor(isCancelled: { Interrupts.requested }) { event in
        print(timestamp() + " " + describe(event))
      }
      print("stopping pool \(session.pool.name) (Ctrl+C again to force)")
      let report = try runtime.stop(forceWhen: { Interrupts.received >= 2 })
      for result in report.results { print(StopOutput.line(result)) }
      print(report.nothingLeft ? "nothing of the pool is left running" : "processes survived the stop")
      if !report.nothingLeft { throw ExitCode.failure }
      try stopPrivateManagerIfStartedHere(session)
    } catch let error as SystemdError {
      printError("error: \(error)")
      throw ExitCode.failure
    }
    if !startedOK { throw ExitCode.failure }
  }

  /// A Ctrl+C (or SIGTERM) that ends a foreground run ends everything `make stop` would: when
  /// this run started the private manager, the manager goes too, with its runtime folder.
  static func stopPrivateManagerIfStartedHere(_ session: RuntimeSession) throws {
    guard session.located.startedNow, session.located.endpoint.kind == .privateManager,
      let folder = session.located.endpoint.runtimeDirectory
    else { return }
    do {
      try PrivateManager(runtimeDirectory: folder).stop()
      print("stopped the private manager at \(folder) (this run had started it)")
    } catch {
      printError("error: stopping the private manager: \(error)")
      throw ExitCode.failure
    }
  }

  static func describe(_ event: MonitorEvent) -> String {
    switch event {
    case .state(let process, let from, let to, let pid):
      return "\(process): \(from) -> \(to)" + (pid.map { " (pid \($0))" } ?? "")
    case .restarted(let process, let count, let pid):
      return "\(process): restarted by systemd (restart \(count))" + (pid.map { ", pid \($0)" } ?? "")
    case .health(let process, let healthy, let detail):
      return "\(process): health " + (healthy ? "ok" : "FAILED" + (detail.map { ": \($0)" } ?? ""))
    }
  }

  static func timestamp() -> String {
    let formatter = DateFormatter()
    formatter.dateFormat = "HH:mm:ss"
    return formatter.string(from: Date())
  }
}
