import CgiPoolRuntime
import Foundation

/// Lines `cgipool start` prints.
enum StartOutput {
  /// One progress line.
  static func line(for event: StartEvent, elapsed: Duration) -> String {
    let time = stamp(elapsed)
    switch event {
    case .submitted(let process, let unit):
      return "\(time) submitted  \(process) (\(unit))"
    case .finished(let result):
      return "\(time) \(label(result.outcome)) \(result.process)\(detail(result.outcome))"
    }
  }

  /// The closing summary.
  static func summary(_ report: StartReport, elapsed: Duration) -> String {
    let ok = report.results.filter(\.isSuccess).count
    let failed = report.results.filter { !$0.isSuccess }
    var text = "\(ok)/\(report.results.count) processes up in \(stamp(elapsed).trimmingCharacters(in: CharacterSet(charactersIn: "[] ")))"
    if !failed.isEmpty {
      text += "; failed: " + failed.map(\.process).joined(separator: ", ")
    }
    return text
  }

  static func label(_ outcome: ProcessStartResult.Outcome) -> String {
    switch outcome {
    case .started: return "active    "
    case .alreadyRunning: return "running   "
    case .restartNeeded: return "running   "
    case .finished: return "finished  "
    case .failed: return "FAILED    "
    case .dependencyFailed: return "NOT STARTED"
    case .restarting: return "RESTARTING"
    case .canceled: return "CANCELED  "
    }
  }

  static func detail(_ outcome: ProcessStartResult.Outcome) -> String {
    switch outcome {
    case .started, .finished: return ""
    case .alreadyRunning: return " (already running)"
    case .restartNeeded(let why): return " (already running; \(why): `cgipool restart` applies the new definition)"
    case .failed(let why), .dependencyFailed(let why), .restarting(let why), .canceled(let why): return ": " + why
    }
  }

  static func stamp(_ duration: Duration) -> String {
    let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    return String(format: "[%6.2fs]", seconds)
  }

  /// Why a rolling restart stopped: the instance, what its start said, and the instances left
  /// on the old version (`restart NAME` and `apply` roll alike).
  static func halt(_ halted: PoolRuntime.RollingHalt, start: StartReport) -> String {
    let why = start.results.last { $0.process == halted.instance }.map {
      label($0.outcome).trimmingCharacters(in: .whitespaces).lowercased() + detail($0.outcome)
    } ?? "it did not start"
    let rest =
      halted.untouched.isEmpty
      ? "" : "; \(halted.untouched.joined(separator: ", ")) still run the old version (not restarted)"
    return "error: rolling restart of \(halted.process) stopped at \(halted.instance): \(why)\(rest)"
  }
}
