import ArgumentParser
import CgiPoolRuntime
import Foundation
import ProcessConfig

/// `cgipool gate`: the dependency check behind every dependent's `ExecCondition=`.
struct Gate: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "gate",
    abstract: "Check that a process's dependencies are ready (run by systemd before a dependent starts).",
    discussion: """
      Units run it as ExecCondition=. Exits 0 once every --healthy unit is active (its health
      probe passed), every --started unit's main process runs, and every --completed unit has
      exited successfully. While a dependency is still starting, or systemd is restarting it,
      the gate waits (up to --timeout). When a dependency has failed or is stopped, it exits 1:
      systemd then skips the dependent without counting a failure, so no restart loop follows.
      The dependent starts with the next `cgipool start` (or `systemctl start <pool>.target`).
      """
  )

  @Option(help: ArgumentHelp("A dependency that must be active (healthy).", valueName: "unit"))
  var healthy: [String] = []

  @Option(help: ArgumentHelp("A dependency whose main process must have started.", valueName: "unit"))
  var started: [String] = []

  @Option(help: ArgumentHelp("A dependency that must have exited successfully.", valueName: "unit"))
  var completed: [String] = []

  @Option(help: "Seconds to wait for dependencies that are still starting.")
  var timeout: Double = 60

  @Option(name: .customLong("bus"), help: ArgumentHelp("The manager's D-Bus address.", valueName: "address"))
  var busAddress: String?

  func run() throws {
    let gate = DependencyGate(
      requirements: healthy.map { .init(unit: $0, condition: .healthy) } + started.map { .init(unit: $0, condition: .started) }
        + completed.map { .init(unit: $0, condition: .completedSuccessfully) })
    let units = gate.requirements.map(\.unit)
    let deadline = Date().addingTimeInterval(timeout)
    do {
      // Units compiled for the system manager or a user manager carry no address: ask which runs
      // us, as the health unit does (root's own user manager sets MANAGERPID; uid 0 alone would
      // send the gate to the system manager, which does not have the units).
      let endpoint = busAddress.map(ManagerEndpoint.explicit) ?? .runningThisService()
      let manager = BusSystemdManager(manager: try endpoint.connect(), description: "\(endpoint)")
      var lastWait = ""
      while true {
        switch gate.verdict(try manager.unitStates(units)) {
        case .open:
          if !lastWait.isEmpty { print("gate: dependencies ready (waited while \(lastWait))") }
          return
        case .closed(let reason):
          print("gate: not starting: dependency \(reason); it starts with the next `cgipool start`")
          throw ExitCode.failure
        case .wait(let reason):
          lastWait = reason
          guard Date() < deadline else {
            print("gate: not starting: gave up after \(Int(timeout))s waiting while \(reason)")
            throw ExitCode.failure
          }
          usleep(50_000)
        }
      }
    } catch let error as ExitCode {
      throw error
    } catch {
      print("gate: not starting: cannot read the dependencies' states: \(error)")
      throw ExitCode.failure
    }
  }
}
