import Foundation
import ProcessConfig
import SystemdBus
import Testing
import UnitCompiler

@testable import CgiPoolRuntime

/// The typed systemd states: decisions on them, and output that prints them as systemd's words.
@Suite struct SystemdStateTests {
  private let spec = ProcessSpec(name: "web", command: ["/bin/web"])

  @Test func startLimitIsReadFromTheResultOrAFailedRestartableRun() {
    #expect(UnitState(name: "u", result: .startLimitHit).hitStartLimit(policy: .no))
    // systemd 252 keeps the last crash's result: failed with a restartable result means it gave up.
    for result: ServiceResult in [.exitCode, .signal, .coreDump, .watchdog] {
      #expect(UnitState(name: "u", activeState: .failed, restarts: 4, result: result).hitStartLimit(policy: .onFailure))
      #expect(!UnitState(name: "u", activeState: .failed, restarts: 4, result: result).hitStartLimit(policy: .no))
      #expect(!UnitState(name: "u", activeState: .activating, restarts: 4, result: result).hitStartLimit(policy: .always))
      // Never restarted: a stop (or one failure) ended it, not the start limit (issue 13).
      #expect(!UnitState(name: "u", activeState: .failed, restarts: 0, result: result).hitStartLimit(policy: .always))
    }
    // A stop that needed SIGKILL ends failed/timeout: not a start limit.
    #expect(!UnitState(name: "u", activeState: .failed, result: .timeout).hitStartLimit(policy: .always))
  }

  @Test func failureExplanationsFollowTheTypedResults() {
    // Policy `no`: a failed unit is not one systemd gave up restarting.
    var spec = spec
    spec.restartPolicy = .no
    let exited = UnitState(name: "u", activeState: .failed, result: .exitCode, execMainCode: 1, execMainStatus: 203)
    #expect(
      FailureExplanation.describe(jobResult: .failed, state: exited, spec: spec)
        == "cannot execute the command (/bin/web, exit status 203)")
    let killed = UnitState(name: "u", activeState: .failed, restarts: 4, result: .signal, execMainCode: 2, execMainStatus: 9)
    #expect(FailureExplanation.describe(jobResult: .timeout, state: killed, spec: spec) == "killed by signal 9, job timeout")
    spec.restartPolicy = .onFailure
    #expect(
      FailureExplanation.describe(jobResult: .failed, state: killed, spec: spec)
        == "killed by signal 9, systemd gave up after 4 restarts (start limit hit: \(StartLimit.summary))")
    // A stop job replaced the start job (issue 13): a concurrent stop, never the start limit.
    let stopped = UnitState(name: "u", activeState: .failed, result: .signal, execMainCode: 2, execMainStatus: 15)
    #expect(
      FailureExplanation.describe(jobResult: .canceled, state: stopped, spec: spec)
        == "a concurrent stop ended it (its start job was canceled); the process got signal 15")
    #expect(
      FailureExplanation.describe(jobResult: .canceled, state: nil, spec: spec)
        == "a concurrent stop ended it (its start job was canceled; the unit is gone)")
    // A result this version does not know is said as systemd sent it.
    let odd = UnitState(name: "u", activeState: .failed, result: ServiceResult(rawValue: "future-result"))
    #expect(FailureExplanation.describe(jobResult: .failed, state: odd, spec: spec) == "result future-result")
    // An OOM kill is said in words, with the limit when the process has one.
    let oom = UnitState(name: "u", activeState: .failed, result: .oomKill)
    #expect(
      FailureExplanation.describe(jobResult: .failed, state: oom, spec: spec)
        == "killed by the kernel's OOM killer (the machine or its cgroup ran out of memory)")
    var limited = spec
    limited.limits.memoryBytes = 20 << 20
    #expect(
      FailureExplanation.describe(jobResult: .failed, state: oom, spec: limited)
        == "killed by the kernel's OOM killer: it used more than its limits.memory (20971520 bytes)")
  }

  @Test func unknownStatesAreKeptAsSent() {
    // A newer manager's words are not refused: they compare and print as sent.
    #expect(ActiveState(rawValue: "refreshing") == .refreshing)
    #expect(SubState(rawValue: "start-pre").description == "start-pre")
    #expect(JobResult(JobWaiter.Result.dependency) == .dependency)
    #expect(UnitState(name: "x", loadState: .notFound, activeState: .inactive).isUnloadedStub)
    #expect(!UnitState(name: "x", loadState: .notFound, activeState: .failed).isUnloadedStub)
  }

  @Test func statusJSONCarriesTheStatesAsStrings() throws {
    let status = ProcessStatus(
      process: "web", unit: "p-web.service", state: .active, subState: .running, restarts: 0,
      lastResult: .notLoaded)
    let json = String(decoding: try JSONEncoder().encode(status), as: UTF8.self)
    #expect(json.contains(#""state":"active""#) && json.contains(#""subState":"running""#), "\(json)")
    #expect(json.contains(#""lastResult":"-""#), "\(json)")
    #expect(try JSONDecoder().decode(ProcessStatus.self, from: Data(json.utf8)) == status)
  }
}
