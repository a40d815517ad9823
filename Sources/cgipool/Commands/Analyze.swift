import ArgumentParser
import CgiPoolRuntime
import Foundation

/// `cgipool analyze`: why the last start took as long as it did.
struct Analyze: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "analyze",
    abstract: "Show the chain of processes that set the pool's start time, or draw the start as an SVG timeline.",
    discussion: """
      Reads each running process's timestamps from its unit (start job, main process, active) \
      and prints the critical chain: the process that became active last, the dependency that \
      held it, and so on, with how long each waited, started and probed. --svg FILE draws one bar \
      per process (waiting, starting, probing) with the dependency edges.
      """)

  @OptionGroup var configOptions: ConfigOptions
  @OptionGroup var managerOptions: ManagerOptions

  @Argument(help: "What to show: critical-chain (the default).")
  var what: String = "critical-chain"

  @Option(name: .long, help: "Write the start as an SVG timeline to this file.", completion: .file(extensions: ["svg"]))
  var svg: String?

  func validate() throws {
    guard what == "critical-chain" else { throw ValidationError("unknown analysis \"\(what)\" (expected critical-chain)") }
  }

  func run() throws {
    guard let session = try RuntimeSession.open(
      config: configOptions, manager: managerOptions, startPrivate: false, processes: [], compileUnits: false) else {
      throw ExitCode.failure
    }
    let timeline: StartTimeline
    do {
      timeline = try session.runtime.timeline()
    } catch {
      printError("error: \(error)")
      throw ExitCode.failure
    }
    guard !timeline.bars.isEmpty else {
      printError("error: no process of pool \(session.runtime.pool.name) is running: start it first (`cgipool start`)")
      throw ExitCode(3)
    }
    if let svg {
      do {
        try timeline.svg().write(toFile: svg, atomically: true, encoding: .utf8)
      } catch {
        printError("error: cannot write \(svg): \(error.localizedDescription)")
        throw ExitCode.failure
      }
      print("wrote \(svg): \(timeline.bars.count) processes, up after \(String(format: "%.3f", timeline.total))s")
    } else {
      print(timeline.criticalChainText())
    }
  }
}
