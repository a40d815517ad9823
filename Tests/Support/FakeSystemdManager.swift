import CgiPoolRuntime
import Foundation
import ProcessConfig
import SystemdBus
import UnitCompiler

#if canImport(Glibc)
  import Glibc
#endif

/// A small systemd stand-in for fast tests of the runtime's own decisions (start order, failure
/// reasons, rollback, stop outcomes, what a second start does), in milliseconds and without root.
///
/// It is a state machine, not a recording of answers: units are created by `StartTransientUnit`,
/// jobs queue and finish in the order their `After=` allows, on a virtual clock (`startSeconds`,
/// `stopSeconds`). A dependent's `ExecCondition=cgipool gate ...` is judged by the runtime's own
/// `DependencyGate` on the fake's states: a closed gate skips the start (job `done`, the unit
/// inactive and collected, no failure), as systemd does with a failing `ExecCondition=`; a gate
/// that would wait times out (nothing else runs while a job does) and skips too. `Requires=`
/// (which cgipool no longer emits) would fail dependents with result `dependency`, as systemd's job
/// engine does. It does not run processes or probes: each unit's `Behaviour` says how its runs
/// end. Every behaviour tested here is also tested against real managers.
public final class FakeSystemdManager: SystemdManaging {
  /// How one unit's runs go.
  public struct Behaviour: Sendable {
    /// How a start ends.
    public enum Start: Sendable {
      /// The process runs and its probe passes: the unit is active/running.
      case succeeds
      /// The main process (or its probe) exits with this status: failed/exit-code.
      case exits(status: Int32)
      /// The start job never finishes (a probe that never passes, within any wait).
      case hangs
    }

    /// How a start ends.
    public var start: Start = .succeeds
    /// Virtual seconds a start job takes.
    public var startSeconds: Double = 0.1
    /// Whether the process ignores SIGTERM, so a stop ends with SIGKILL (failed/timeout).
    public var ignoresSIGTERM = false
    /// Virtual seconds a stop job takes.
    public var stopSeconds: Double = 0.1

    /// Creates a behaviour.
    public init(start: Start = .succeeds, startSeconds: Double = 0.1, ignoresSIGTERM: Bool = false, stopSeconds: Double = 0.1) {
      self.start = start
      self.startSeconds = startSeconds
      self.ignoresSIGTERM = ignoresSIGTERM
      self.stopSeconds = stopSeconds
    }
  }

  /// One job in the queue.
  private struct Job {
    var path: String
    var unit: String
    var isStart: Bool
  }

  /// Behaviours by unit name; a unit without one `succeeds`.
  public var behaviours: [String: Behaviour] = [:]
  /// The virtual clock, in seconds since the fake was created.
  public private(set) var now: Double = 0
  /// Every mutating call, in order: `StartTransientUnit x.service`, `StopUnit x.slice`, ...
  public private(set) var calls: [String] = []
  /// The loaded units' states, by name.
  public private(set) var states: [String: UnitState] = [:]
  /// The transient definitions the units were created from, by name.
  public private(set) var definitions: [String: TransientUnit] = [:]

  private var queue: [Job] = []
  private var nextJob = 1
  private var nextPID: Int32 = 1000

  /// Creates an empty manager.
  public init() {}

  public var managerDescription: String { "fake manager" }
  public func version() throws(SystemdError) -> Int { 252 }
  public func watchJobs() throws(SystemdError) {}

  public func startTransientUnit(_ unit: TransientUnit) throws(SystemdError) -> String {
    calls.append("StartTransientUnit \(unit.name)")
    guard states[unit.name] == nil else {
      throw SystemdError(name: BusError.Name.unitExists, message: "Unit \(unit.name) was already loaded or has a fragment file.")
    }
    definitions[unit.name] = unit
    states[unit.name] = UnitState(name: unit.name, description: string(unit, "Description") ?? "")
    return enqueue(unit.name, isStart: true)
  }

  public func startUnit(_ name: String) throws(SystemdError) -> String {
    calls.append("StartUnit \(name)")
    guard states[name] != nil else { throw SystemdError(name: BusError.Name.noSuchUnit, message: "Unit \(name) not loaded.") }
    return enqueue(name, isStart: true)
  }

  /// Stops `name` only: the fake models no stop propagation, so `alone` changes nothing but the call's record.
  public func stopUnit(_ name: String, alone: Bool) throws(SystemdError) -> String? {
    calls.append("StopUnit \(name)" + (alone ? " alone" : ""))
    guard states[name] != nil else { return nil }
    // A stop replaces the unit's pending start (mode replace): that start job ends canceled.
    queue.removeAll { $0.unit == name && $0.isStart }
    return enqueue(name, isStart: false)
  }

  public func killUnit(_ name: String, signal: Int32) throws(SystemdError) {
    calls.append("KillUnit \(name) \(signal)")
    guard let state = states[name], state.activeState == .active || state.activeState == .activating else { return }
    states[name] = killed(state, result: .signal, signal: signal)
  }

  public func resetFailedUnit(_ name: String) throws(SystemdError) {
    calls.append("ResetFailedUnit \(name)")
    guard let state = states[name], state.activeState == .failed else { return }
    // A transient unit that is no longer failed is inactive, and garbage-collected.
    states[name] = nil
  }

  /// Runs the job engine until every job in `jobs` has finished, or the next one would finish
  /// after `timeout` virtual seconds; a `hangs` start never finishes.
  public func waitForJobs(
    _ jobs: Set<String>, timeout: Double, progress: (JobCompletion) -> Void, isCancelled: () -> Bool
  ) throws(SystemdError) -> [JobCompletion] {
    let deadline = now + timeout
    var finished: [JobCompletion] = []
    while queue.contains(where: { jobs.contains($0.path) }) {
      if isCancelled() { throw SystemdError(message: "interrupted while waiting for jobs", errno: ECANCELED) }
      guard let index = runnableJob() else { break }
      let job = queue[index]
      let duration = job.isStart ? behaviour(job.unit).startSeconds : behaviour(job.unit).stopSeconds
      if job.isStart, case .hangs = behaviour(job.unit).start, definitions[job.unit].map(isService) == true {
        // Nothing else can finish before this job: the wait runs out, unless it is interrupted first.
        if isCancelled() { throw SystemdError(message: "interrupted while waiting for jobs", errno: ECANCELED) }
        now = deadline
        break
      }
      guard now + duration <= deadline else {
        now = deadline
        break
      }
      now += duration
      queue.remove(at: index)
      let completion = JobCompletion(job: job.path, unit: job.unit, result: job.isStart ? start(job.unit) : stop(job.unit))
      if jobs.contains(job.path) {
        finished.append(completion)
        progress(completion)
      }
    }
    return finished
  }

  public func watchUnitChanges(_ handler: @escaping (String) -> Void) throws(SystemdError) -> AnyObject { NSObject() }
  public func processEvents(timeout: Double) throws(SystemdError) {}

  public func listUnits(patterns: [String]) throws(SystemdError) -> [String] {
    states.keys.filter { name in patterns.contains { fnmatch($0, name, 0) == 0 } }.sorted()
  }

  public func unitState(_ name: String) throws(SystemdError) -> UnitState? {
    guard var state = states[name] else { return nil }
    if let unit = definitions[name] {
      for property in unit.properties {
        switch (property.name, property.value) {
        case ("ExecStart", .commands(let commands)): state.execStart = commands.map { ExecCommandState(path: $0.path, argv: $0.argv) }
        case ("Environment", .strings(let entries)): state.environment = entries
        case ("WorkingDirectory", .string(let folder)): state.workingDirectory = folder
        default: break
        }
      }
    }
    return state
  }

  public func unitStates(_ names: [String]) throws(SystemdError) -> [String: UnitState] {
    states.filter { names.contains($0.key) }
  }

  public func unitProcesses(_ name: String) throws(SystemdError) -> [Int32] {
    guard let state = states[name], state.mainPID > 0 else { return [] }
    return [state.mainPID]
  }

  public func reload() throws(SystemdError) { calls.append("Reload") }
  public func linkUnitFiles(_ paths: [String]) throws(SystemdError) { calls.append("LinkUnitFiles") }
  public func enableUnitFiles(_ names: [String]) throws(SystemdError) { calls.append("EnableUnitFiles") }
  public func disableUnitFiles(_ names: [String]) throws(SystemdError) { calls.append("DisableUnitFiles") }
  /// Every fake unit is transient: it has no unit file, so `start` never takes it for an installed pool.
  public func unitFilePath(_ name: String) throws(SystemdError) -> String? { nil }

  // MARK: - The job engine

  private func behaviour(_ unit: String) -> Behaviour { behaviours[unit] ?? Behaviour() }

  private func enqueue(_ unit: String, isStart: Bool) -> String {
    let path = "/org/freedesktop/systemd1/job/\(nextJob)"
    nextJob += 1
    queue.append(Job(path: path, unit: unit, isStart: isStart))
    return path
  }

  /// The first queued job whose `After=` units have no start job queued (for a start), or
  /// whose dependents have no stop job queued (for a stop: dependents stop first).
  private func runnableJob() -> Int? {
    queue.indices.first { index in
      let job = queue[index]
      if job.isStart {
        let after = Set(strings(job.unit, "After"))
        return !queue.contains { $0.isStart && after.contains($0.unit) }
      }
      return !queue.contains { other in !other.isStart && strings(other.unit, "After").contains(job.unit) }
    }
  }

  private func start(_ unit: String) -> JobResult {
    guard var state = states[unit] else { return .canceled }
    if strings(unit, "Requires").contains(where: { states[$0]?.activeState != .active }) {
      // A dependency failed: the unit never ran, and a transient unit that never ran is collected.
      states[unit] = nil
      return .dependency
    }
    if let gate = gate(of: unit), gate.verdict(states) != .open {
      // ExecCondition= failed: systemd skips the unit (ConditionResult=no) without a failure; the
      // transient unit, inactive and never run, is collected.
      states[unit] = nil
      return .done
    }
    guard definitions[unit].map(isService) == true else {
      state.activeState = .active
      state.subState = .running
      states[unit] = state
      return .done
    }
    switch behaviour(unit).start {
    case .succeeds, .hangs:
      nextPID += 1
      state.activeState = .active
      state.subState = .running
      state.result = .success
      state.mainPID = nextPID
      state.activeEnterMonotonic = UInt64(now * 1e6)
      states[unit] = state
      return .done
    case .exits(let status):
      state.activeState = .failed
      state.subState = .failed
      state.result = .exitCode
      state.execMainCode = 1
      state.execMainStatus = status
      states[unit] = state
      return .failed
    }
  }

  private func stop(_ unit: String) -> JobResult {
    // Stopping a slice stops every unit in it first.
    if unit.hasSuffix(".slice") {
      for (name, definition) in definitions where string(definition, "Slice") == unit { _ = stop(name) }
    }
    guard let state = states[unit] else { return .done }
    if behaviour(unit).ignoresSIGTERM && state.activeState == .active {
      // SIGTERM went unheeded: SIGKILL at the stop timeout, recorded as result timeout.
      states[unit] = killed(state, result: .timeout, signal: SIGKILL)
    } else {
      // An inactive transient unit is garbage-collected.
      states[unit] = nil
    }
    return .done
  }

  /// `state` after its main process was killed by `signal`: failed, with `result`.
  private func killed(_ state: UnitState, result: ServiceResult, signal: Int32) -> UnitState {
    var state = state
    state.activeState = .failed
    state.subState = .failed
    state.result = result
    state.execMainCode = 2
    state.execMainStatus = signal
    state.mainPID = 0
    return state
  }

  private func isService(_ unit: TransientUnit) -> Bool { unit.name.hasSuffix(".service") }

  /// The dependency gate in `unit`'s `ExecCondition=` (`cgipool gate --healthy U --started U
  /// --completed U ...`), or nil without one.
  private func gate(of unit: String) -> DependencyGate? {
    guard let definition = definitions[unit] else { return nil }
    // The gate runs privileged, so it travels as `ExecConditionEx` (flags); plain form kept too.
    for entry in definition.properties where entry.name == "ExecCondition" || entry.name == "ExecConditionEx" {
      let commands: [ExecCommand]
      switch entry.value {
      case .commands(let list), .flaggedCommands(let list): commands = list
      default: continue
      }
      for command in commands where command.argv.dropFirst().first == "gate" {
        let conditions: [String: Dependency.Condition] = [
          "--healthy": .healthy, "--started": .started, "--completed": .completedSuccessfully,
        ]
        var requirements: [DependencyGate.Requirement] = []
        for (index, word) in command.argv.enumerated() {
          if let condition = conditions[word], index + 1 < command.argv.count {
            requirements.append(.init(unit: command.argv[index + 1], condition: condition))
          }
        }
        return DependencyGate(requirements: requirements)
      }
    }
    return nil
  }

  private func strings(_ unit: String, _ property: String) -> [String] {
    guard let definition = definitions[unit] else { return [] }
    for entry in definition.properties where entry.name == property {
      if case .strings(let list) = entry.value { return list }
    }
    return []
  }

  private func string(_ unit: TransientUnit, _ property: String) -> String? {
    for entry in unit.properties where entry.name == property {
      if case .string(let text) = entry.value { return text }
    }
    return nil
  }
}
