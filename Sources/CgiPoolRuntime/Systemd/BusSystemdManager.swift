import Foundation
import SystemdBus
import UnitCompiler

/// `SystemdManaging` over sd-bus: the runtime's one way to a real manager.
public final class BusSystemdManager: SystemdManaging {
  /// The typed D-Bus client.
  public let manager: SystemdManager
  /// The manager's description for `status`.
  public let managerDescription: String
  private var waiter: JobWaiter?
  /// The match recording unit property changes (see `lastAnnouncedState`).
  private var announcements: BusMatch?
  /// Every property announced per unit object path, the latest value of each.
  private var announced: [String: [String: BusValue]] = [:]

  /// Wraps a connected manager client.
  public init(manager: SystemdManager, description: String) {
    self.manager = manager
    self.managerDescription = description
  }

  /// The manager's major version.
  public func version() throws(SystemdError) -> Int {
    try translate { () throws(BusError) in try manager.majorVersion ?? 0 }
  }

  /// Installs the `JobRemoved` match and subscribes (once).
  public func watchJobs() throws(SystemdError) {
    guard waiter == nil else { return }
    waiter = try translate { () throws(BusError) in try manager.makeJobWaiter() }
    announcements = try translate { () throws(BusError) in
      try manager.watchUnitProperties { [weak self] change in
        guard change.path.hasSuffix("_2eservice") else { return }
        self?.announced[change.path, default: [:]].merge(change.changed) { $1 }
      }
    }
  }

  /// The last announced state of `name` when the manager no longer has it loaded.
  public func lastAnnouncedState(_ name: String) throws(SystemdError) -> UnitState? {
    let path = SystemdManager.unitPath(forName: name)
    // Signals that arrived during other calls wait in the queue until dispatched. The unit was
    // asked for because it is gone: give the announcement of its end up to 3 s to arrive (the
    // manager sends it just before it unloads the unit, but a loaded machine delays it: with
    // 1 s, a daemonizing command was once reported as only "ended" under the full suite's load).
    // Only a start whose process already ended waits here.
    let deadline = MonotonicClock.now() + 3
    repeat {
      try processEvents(timeout: 0.05)
      if let properties = announced[path], properties["ExecMainExitTimestampMonotonic"]?.uint64Value ?? 0 > 0 {
        return Self.state(name, properties: properties)
      }
    } while MonotonicClock.now() < deadline
    return announced[path].flatMap { Self.state(name, properties: $0) }
  }

  /// `StartTransientUnit` with mode `fail`: never replaces a unit that exists.
  public func startTransientUnit(_ unit: TransientUnit) throws(SystemdError) -> String {
    let properties = unit.properties.map { ($0.name, Self.busValue($0.value)) }
    let aux = unit.aux.map { ($0.name, $0.properties.map { ($0.name, Self.busValue($0.value)) }) }
    return try translate { () throws(BusError) in
      try manager.startTransientUnit(unit.name, mode: .fail, properties: properties, aux: aux)
    }
  }

  /// `StartUnit` with mode `replace`.
  public func startUnit(_ name: String) throws(SystemdError) -> String {
    try translate { () throws(BusError) in try manager.startUnit(name) }
  }

  /// `StopUnit` with mode `replace`, or `ignore-requirements` when `alone`; `nil` when the unit is not loaded.
  public func stopUnit(_ name: String, alone: Bool) throws(SystemdError) -> String? {
    try translate { () throws(BusError) in
      try manager.stopUnitIfLoaded(name, mode: alone ? .ignoreRequirements : .replace)
    }
  }

  /// `KillUnit` to all of the unit's processes; a unit that is not loaded is not an error.
  public func killUnit(_ name: String, signal: Int32) throws(SystemdError) {
    do {
      try manager.killUnit(name, who: .all, signal: signal)
    } catch where error.isNoSuchUnit {
      return
    } catch {
      throw Self.translate(error)
    }
  }

  /// `ResetFailedUnit`; a unit that is not loaded is not an error.
  public func resetFailedUnit(_ name: String) throws(SystemdError) {
    try translate { () throws(BusError) in try manager.resetFailedUnitIfLoaded(name) }
  }

  /// Waits for `JobRemoved` of every job; returns what finished within `timeout`.
  public func waitForJobs(
    _ jobs: Set<String>, timeout: Double, progress: (JobCompletion) -> Void, isCancelled: () -> Bool
  ) throws(SystemdError) -> [JobCompletion] {
    try watchJobs()
    guard let waiter, !jobs.isEmpty else { return [] }
    var completions: [JobCompletion] = []
    do {
      _ = try waiter.wait(
        for: jobs.sorted(), timeout: .milliseconds(Int64(timeout * 1000)),
        progress: { outcome in
          let completion = JobCompletion(job: outcome.job, unit: outcome.unit, result: JobResult(outcome.result))
          completions.append(completion)
          progress(completion)
        }, shouldStop: isCancelled)
    } catch where error.isTimeout {
      // The caller decides what an unfinished job means; report what did finish.
      return completions
    } catch {
      throw Self.translate(error)
    }
    return completions
  }

  /// A `PropertiesChanged` match on unit objects; the handler gets the unit's name.
  public func watchUnitChanges(_ handler: @escaping (String) -> Void) throws(SystemdError) -> AnyObject {
    try watchJobs()  // subscribes, so a manager on a bus sends the signals
    var names: [String: String] = [:]
    return try translate { () throws(BusError) in
      try manager.watchUnitProperties { change in
        // Paths are escaped names; remember the ones seen, there are few.
        if let name = names[change.path] {
          handler(name)
        } else if let name = SystemdManager.unitName(fromPath: change.path) {
          names[change.path] = name
          handler(name)
        }
      }
    }
  }

  /// Waits for and dispatches signals.
  public func processEvents(timeout: Double) throws(SystemdError) {
    do {
      try manager.connection.processAll()
      try manager.connection.wait(timeout: .milliseconds(Int64(timeout * 1000)))
      try manager.connection.processAll()
    } catch where error.errno == EINTR {
      return
    } catch {
      throw Self.translate(error)
    }
  }

  /// `ListUnitsByPatterns` names of loaded units.
  public func listUnits(patterns: [String]) throws(SystemdError) -> [String] {
    try translate { () throws(BusError) in try manager.listUnitsByPatterns(patterns: patterns).map(\.name) }
  }

  /// `GetUnit` + `GetAll` of the unit (and service) interfaces; `nil` when not loaded.
  public func unitState(_ name: String) throws(SystemdError) -> UnitState? {
    try Self.retryingInterrupted { () throws(SystemdError) in try self.readUnitState(name) }
  }

  private func readUnitState(_ name: String) throws(SystemdError) -> UnitState? {
    let path: String
    do {
      path = try manager.getUnit(name)
    } catch where error.isNoSuchUnit {
      return nil
    } catch {
      throw Self.translate(error)
    }
    return try state(name, path: path)
  }

  /// One `ListUnitsByPatterns` for all names (states come with it), then the few runtime
  /// properties of the loaded ones, every `Get` sent in one pipelined batch.
  ///
  /// A running service skips what its start reset (`runningServiceProperties`): systemd sets
  /// `Result` to "success" and the main process's exit code, status and exit time to zero when
  /// the service starts, so reading them back would only cost one `Get` each. Its main start
  /// time is not read either (see `SystemdManaging.unitStates`).
  public func unitStates(_ names: [String]) throws(SystemdError) -> [String: UnitState] {
    try Self.retryingInterrupted { () throws(SystemdError) in try self.readUnitStates(names) }
  }

  private func readUnitStates(_ names: [String]) throws(SystemdError) -> [String: UnitState] {
    guard !names.isEmpty else { return [:] }
    let loaded = try listed(names)
    var requests: [(path: String, interface: String, name: String)] = []
    var plans: [[String]] = []
    for unit in loaded {
      requests.append((unit.path, SystemdManager.unitInterface, "ActiveEnterTimestampMonotonic"))
      let plan: [String]
      if !unit.name.hasSuffix(".service") {
        plan = []
      } else if ActiveState(rawValue: unit.activeState) == .active && SubState(rawValue: unit.subState) == .running {
        plan = Self.runningServiceProperties
      } else {
        plan = Self.serviceRuntimeProperties
      }
      plans.append(plan)
      for property in plan {
        requests.append((unit.path, SystemdManager.serviceInterface, property))
      }
    }
    let values = try translate { () throws(BusError) in try manager.properties(requests) }
    var states: [String: UnitState] = [:]
    var index = 0
    for (unit, plan) in zip(loaded, plans) {
      var state = UnitState(listed: unit)
      state.activeEnterMonotonic = values[index]?.uint64Value ?? 0
      index += 1
      if unit.name.hasSuffix(".service") {
        let service = Dictionary(uniqueKeysWithValues: zip(plan, values[index..<index + plan.count]))
        index += plan.count
        state.mainPID = Int32(truncatingIfNeeded: service["MainPID"]??.uint64Value ?? 0)
        state.restarts = UInt32(truncatingIfNeeded: service["NRestarts"]??.uint64Value ?? 0)
        // Absent from a running service's plan: its start reset them to these values.
        state.result = ServiceResult(rawValue: service["Result"]??.stringValue ?? ServiceResult.success.rawValue)
        state.execMainCode = Int32(truncatingIfNeeded: service["ExecMainCode"]??.int64Value ?? 0)
        state.execMainStatus = Int32(truncatingIfNeeded: service["ExecMainStatus"]??.int64Value ?? 0)
        state.mainStartMonotonic = service["ExecMainStartTimestampMonotonic"]??.uint64Value ?? 0
        state.mainExitMonotonic = service["ExecMainExitTimestampMonotonic"]??.uint64Value ?? 0
        if let memory = service["MemoryCurrent"]??.uint64Value, memory != UInt64.max { state.memoryBytes = memory }
      }
      states[unit.name] = state
    }
    return states
  }

  /// One `ListUnitsByPatterns`: states as listed, without runtime properties.
  public func listedStates(_ names: [String]) throws(SystemdError) -> [String: UnitState] {
    var states: [String: UnitState] = [:]
    for unit in try Self.retryingInterrupted({ () throws(SystemdError) in try self.listed(names) }) {
      states[unit.name] = UnitState(listed: unit)
    }
    return states
  }

  /// The loaded units among `names`, from one `ListUnitsByPatterns`.
  private func listed(_ names: [String]) throws(SystemdError) -> [UnitStatus] {
    let wanted = Set(names)
    return try translate { () throws(BusError) in try manager.listUnitsByPatterns(patterns: Self.listPatterns(for: names)) }
      // A name something refers to but no unit defines is listed as a "not-found" stub.
      .filter { wanted.contains($0.name) && !UnitState(listed: $0).isUnloadedStub }
  }

  /// Glob patterns that `ListUnitsByPatterns` matches `names` with; the caller filters the answer.
  ///
  /// The manager matches every loaded unit against every pattern, so a pool's 500 names as 500
  /// patterns cost it 500 `fnmatch` calls per unit. Names sharing a prefix become one `prefix*`
  /// (a pool's units all start with the pool's name); names with glob characters stay as they are.
  static func listPatterns(for names: [String]) -> [String] {
    guard names.count > 4, var prefix = names.first.map({ Substring($0) }) else { return names }
    for name in names.dropFirst() {
      prefix = prefix.prefix(zip(prefix, name).prefix { $0 == $1 }.count)
    }
    let globCharacters: Set<Character> = ["*", "?", "[", "]", "\\"]
    guard !prefix.isEmpty, !prefix.contains(where: globCharacters.contains) else { return names }
    return [prefix + "*"]
  }

  /// The service properties `unitStates` reads.
  static let serviceRuntimeProperties = [
    "MainPID", "NRestarts", "Result", "ExecMainCode", "ExecMainStatus", "ExecMainStartTimestampMonotonic",
    "ExecMainExitTimestampMonotonic", "MemoryCurrent",
  ]

  /// The service properties `unitStates` reads for a running service: what `status` shows of it.
  static let runningServiceProperties = ["MainPID", "NRestarts", "MemoryCurrent"]

  /// The properties `UnitState` is made of, across the unit and service interfaces.
  static let stateProperties: Set<String> = [
    "LoadState", "ActiveState", "SubState", "ActiveEnterTimestampMonotonic", "Description", "MainPID", "NRestarts",
    "Result", "ExecMainCode", "ExecMainStatus", "ExecMainStartTimestampMonotonic", "ExecMainExitTimestampMonotonic",
    "MemoryCurrent", "ExecStart", "Environment", "WorkingDirectory",
    // What `plan` compares.
    "EnvironmentFiles", "LoadCredential", "Restart", "RestartUSec", "TimeoutStopUSec", "Wants", "After", "PartOf", "ExecMainStartTimestamp",
    "ExecStartPost", "KillSignal",
    // What `analyze` draws.
    "InactiveExitTimestampMonotonic",
    // What `start` reads to tell whether limits are enforced.
    "ControlGroup",
    // A socket's addresses, which `plan` compares with `listen`.
    "Listen",
  ]

  /// Reads the properties of the unit at `path`: one `GetAll` over every interface, decoding only
  /// what `UnitState` needs.
  private func state(_ name: String, path: String) throws(SystemdError) -> UnitState? {
    let properties = try translate { () throws(BusError) in try manager.properties(path: path, only: Self.stateProperties) }
    return Self.state(name, properties: properties)
  }

  /// The `UnitState` that `properties` (unit and service interfaces merged) describe; `nil` for
  /// a stub.
  static func state(_ name: String, properties: [String: BusValue]) -> UnitState? {
    var state = UnitState(
      name: name,
      loadState: LoadState(rawValue: properties["LoadState"]?.stringValue ?? ""),
      activeState: ActiveState(rawValue: properties["ActiveState"]?.stringValue ?? ""),
      subState: SubState(rawValue: properties["SubState"]?.stringValue ?? ""),
      activeEnterMonotonic: properties["ActiveEnterTimestampMonotonic"]?.uint64Value ?? 0,
      description: properties["Description"]?.stringValue ?? "")
    // A name other units merely reference is a stub systemd could not load: not a unit of ours yet.
    if state.isUnloadedStub { return nil }
    // `Listen` is a(ss): each address with its kind (`Stream`, ...).
    state.listen = (properties["Listen"]?.arrayValues ?? []).compactMap { $0.structFields?.last?.stringValue }
    guard name.hasSuffix(".service") else { return state }
    state.mainPID = Int32(truncatingIfNeeded: properties["MainPID"]?.uint64Value ?? 0)
    state.restarts = UInt32(truncatingIfNeeded: properties["NRestarts"]?.uint64Value ?? 0)
    state.result = ServiceResult(rawValue: properties["Result"]?.stringValue ?? "")
    state.execMainCode = Int32(truncatingIfNeeded: properties["ExecMainCode"]?.int64Value ?? 0)
    state.execMainStatus = Int32(truncatingIfNeeded: properties["ExecMainStatus"]?.int64Value ?? 0)
    state.mainStartMonotonic = properties["ExecMainStartTimestampMonotonic"]?.uint64Value ?? 0
    state.mainExitMonotonic = properties["ExecMainExitTimestampMonotonic"]?.uint64Value ?? 0
    if let memory = properties["MemoryCurrent"]?.uint64Value, memory != UInt64.max { state.memoryBytes = memory }
    state.execStart = (properties["ExecStart"]?.arrayValues ?? []).compactMap { entry in
      guard let fields = entry.structFields, fields.count >= 2, let path = fields[0].stringValue else { return nil }
      return ExecCommandState(path: path, argv: (fields[1].arrayValues ?? []).compactMap(\.stringValue))
    }
    state.environment = (properties["Environment"]?.arrayValues ?? []).compactMap(\.stringValue)
    state.workingDirectory = properties["WorkingDirectory"]?.stringValue ?? ""
    state.environmentFiles = (properties["EnvironmentFiles"]?.arrayValues ?? []).compactMap { entry in
      guard let fields = entry.structFields, fields.count >= 2, let path = fields[0].stringValue else { return nil }
      return (fields[1].boolValue == true ? "-" : "") + path
    }
    state.credentials = (properties["LoadCredential"]?.arrayValues ?? []).compactMap { entry in
      guard let fields = entry.structFields, fields.count >= 2, let name = fields[0].stringValue, let path = fields[1].stringValue else { return nil }
      return name + ":" + path
    }
    state.execStartPost = (properties["ExecStartPost"]?.arrayValues ?? []).compactMap { entry in
      guard let fields = entry.structFields, fields.count >= 2, let path = fields[0].stringValue else { return nil }
      return ExecCommandState(path: path, argv: (fields[1].arrayValues ?? []).compactMap(\.stringValue))
    }
    state.inactiveExitMonotonic = properties["InactiveExitTimestampMonotonic"]?.uint64Value ?? 0
    state.restart = properties["Restart"]?.stringValue ?? ""
    state.restartMicroseconds = properties["RestartUSec"]?.uint64Value ?? 0
    state.timeoutStopMicroseconds = properties["TimeoutStopUSec"]?.uint64Value ?? 0
    state.killSignal = Int32(truncatingIfNeeded: properties["KillSignal"]?.int64Value ?? 0)
    state.wants = (properties["Wants"]?.arrayValues ?? []).compactMap(\.stringValue)
    state.after = (properties["After"]?.arrayValues ?? []).compactMap(\.stringValue)
    state.partOf = (properties["PartOf"]?.arrayValues ?? []).compactMap(\.stringValue)
    state.mainStartRealtime = properties["ExecMainStartTimestamp"]?.uint64Value ?? 0
    state.controlGroup = properties["ControlGroup"]?.stringValue ?? ""
    return state
  }

  /// `GetUnitProcesses`: the PIDs in the unit's cgroup; empty when not loaded.
  public func unitProcesses(_ name: String) throws(SystemdError) -> [Int32] {
    do {
      let reply = try manager.callManager("GetUnitProcesses", [.string(name)])
      let list = try reply.read("a(sus)")
      return (list.arrayValues ?? []).compactMap { entry in
        entry.structFields.flatMap { $0.count == 3 ? $0[1].uint64Value.map { Int32(truncatingIfNeeded: $0) } : nil }
      }
    } catch where error.isNoSuchUnit {
      return []
    } catch {
      throw Self.translate(error)
    }
  }

  /// `Reload`.
  public func reload() throws(SystemdError) {
    try translate { () throws(BusError) in try manager.reload() }
  }

  /// `LinkUnitFiles(as, runtime=true, force=true)`.
  public func linkUnitFiles(_ paths: [String]) throws(SystemdError) {
    try translate { () throws(BusError) in
      _ = try manager.callManager("LinkUnitFiles", [.strings(paths), .bool(true), .bool(true)])
    }
  }

  /// `EnableUnitFiles(as, runtime=false, force=false)`.
  public func enableUnitFiles(_ names: [String]) throws(SystemdError) {
    try translate { () throws(BusError) in
      _ = try manager.callManager("EnableUnitFiles", [.strings(names), .bool(false), .bool(false)])
    }
  }

  /// `DisableUnitFiles(as, runtime=false)`.
  public func disableUnitFiles(_ names: [String]) throws(SystemdError) {
    try translate { () throws(BusError) in
      _ = try manager.callManager("DisableUnitFiles", [.strings(names), .bool(false)])
    }
  }

  /// `LoadUnit`, then its `LoadState` and `FragmentPath`.
  public func unitFilePath(_ name: String) throws(SystemdError) -> String? {
    try translate { () throws(BusError) -> String? in
      let path = try manager.loadUnit(name)
      let load = try manager.property(path: path, interface: SystemdManager.unitInterface, name: "LoadState")
      let fragment = try manager.property(path: path, interface: SystemdManager.unitInterface, name: "FragmentPath")
      guard case .string("loaded") = load, case .string(let file) = fragment, !file.isEmpty else { return nil }
      return file
    }
  }

  /// A transient property value as a D-Bus value.
  static func busValue(_ value: TransientValue) -> BusValue {
    switch value {
    case .string(let text): return .string(text)
    case .bool(let flag): return .bool(flag)
    case .uint32(let number): return .uint32(number)
    case .int32(let number): return .int32(number)
    case .uint64(let number): return .uint64(number)
    case .strings(let list): return .strings(list)
    case .uint32s(let list): return .array("u", list.map { .uint32($0) })
    case .commands(let commands):
      return .array(
        "(sasb)",
        commands.map { .struct([.string($0.path), .strings($0.argv), .bool($0.ignoreFailure)]) })
    case .flaggedCommands(let commands):
      return .array(
        "(sasas)",
        commands.map { .struct([.string($0.path), .strings($0.argv), .strings($0.busFlags)]) })
    case .flaggedPaths(let list):
      return .array("(sb)", list.map { .struct([.string($0.path), .bool($0.flag)]) })
    case .stringPairs(let list):
      return .array("(ss)", list.map { .struct([.string($0.first), .string($0.second)]) })
    case .filter(let allow, let list): return .struct([.bool(allow), .strings(list)])
    }
  }

  /// Runs a read again when a signal interrupted its call (`EINTR`): a Ctrl+C that reaches the
  /// monitor while it reads a unit's state must end in the monitor's stop, not in an error. Only
  /// for reads: sending a read twice changes nothing, a job request twice could.
  static func retryingInterrupted<T>(_ body: () throws(SystemdError) -> T) throws(SystemdError) -> T {
    var attempts = 0
    while true {
      do {
        return try body()
      } catch where error.errno == EINTR && attempts < 5 {
        attempts += 1
      }
    }
  }

  private func translate<T>(_ body: () throws(BusError) -> T) throws(SystemdError) -> T {
    do {
      return try body()
    } catch {
      throw Self.translate(error)
    }
  }

  static func translate(_ error: BusError) -> SystemdError {
    SystemdError(name: error.name, message: error.message, errno: error.errno)
  }
}
