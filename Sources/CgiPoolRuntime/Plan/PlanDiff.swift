import ProcessConfig
import UnitCompiler

#if canImport(Glibc)
  import Glibc
#endif

/// Compares the compiled pool with what the manager has loaded: the pure core of `plan`, testable
/// without a manager.
public enum PlanDiff {
  /// The plan for `pool` (compiled as `compiled`), given the pool's services and sockets the
  /// manager has loaded by unit name (`loaded`) and, per process, the env files edited since it
  /// started.
  public static func plan(
    pool: PoolConfig, compiled: CompiledPool, loaded: [String: UnitState], editedEnvFiles: [String: [String]] = [:]
  ) -> PoolPlan {
    let names = UnitNames(pool: pool.name)
    // The pool's process services: the manager adds requirements of its own (the slice).
    let poolUnits = Set(loaded.keys).union(compiled.units.map(\.name)).filter { names.process(ofUnit: $0) != nil }
    var entries: [String: PoolPlan.Entry] = [:]
    for process in pool.processes.keys {
      let unit = names.service(process)
      guard let definition = compiled.unit(named: unit) else { continue }
      var entry = PoolPlan.Entry(process: process, unit: unit, action: .unchanged, settings: [], editedEnvFiles: [], follows: [])
      let state = loaded[unit]
      if let state, state.activeState == .active || state.activeState == .activating || state.activeState == .reloading {
        let old = UnitSettings(loaded: state, poolUnits: poolUnits)
        let new = UnitSettings(compiled: definition)
        for key in UnitSettings.keys where (old.values[key] ?? []) != (new.values[key] ?? []) {
          // A unit the manager reports no command for is not comparable (the key did not load).
          if key == "ExecStart" && (old.values[key] ?? []).isEmpty { continue }
          entry.settings.append(PoolPlan.SettingChange(key: key, old: old.values[key] ?? [], new: new.values[key] ?? []))
        }
        if let change = socketChange(process, names: names, compiled: compiled, loaded: loaded) { entry.settings.append(change) }
        entry.editedEnvFiles = editedEnvFiles[process] ?? []
        if !entry.settings.isEmpty || !entry.editedEnvFiles.isEmpty { entry.action = .change }
      } else if pool.processes[process]!.restartPolicy == .no && state == nil && !loaded.isEmpty {
        // A run-once process that finished is unloaded: as it should be while the pool runs.
        entry.action = .unchanged
      } else {
        entry.action = .add
      }
      entries[process] = entry
    }
    // Dependents of processes whose definition changed go down and up with them: a transient unit
    // another unit still names stays loaded with its old definition. An edited env file needs
    // only a restart of the loaded definition, which its dependents need not follow.
    let changed = Set(entries.values.filter { $0.action == .change && !$0.settings.isEmpty }.map(\.process))
    for process in pool.topologicalOrder() where entries[process]?.action == .unchanged {
      let spec = pool.processes[process]!
      var follows = Set(spec.dependsOn.filter(changed.contains))
      for dependency in spec.dependsOn where !(entries[dependency]?.follows.isEmpty ?? true) {
        follows.insert(dependency)
      }
      if !follows.isEmpty, loaded[names.service(process)] != nil { entries[process]?.follows = follows.sorted() }
    }
    for (unit, _) in loaded {
      guard let process = names.process(ofUnit: unit), pool.processes[process] == nil, unit == names.service(process) else { continue }
      entries[process] = PoolPlan.Entry(process: process, unit: unit, action: .remove, settings: [], editedEnvFiles: [], follows: [])
    }
    var plan = PoolPlan(entries: entries.values.sorted { $0.process < $1.process })
    plan.rolling = rolling(pool: pool, entries: entries)
    return plan
  }

  /// The changed instances of replicated processes that apply restarts one at a time, in
  /// process and instance order: those a changed process's stop does not take down anyway
  /// (it stops its dependents, and the processes that follow it, with their dependents).
  static func rolling(pool: PoolConfig, entries: [String: PoolPlan.Entry]) -> [String] {
    var pending = entries.values.filter { entry in
      (entry.action == .change && !entry.settings.isEmpty && pool.processes[entry.process]?.replicaOf == nil)
        || !entry.follows.isEmpty
    }.map(\.process)
    var takenDown = Set<String>()
    while let name = pending.popLast() {
      guard takenDown.insert(name).inserted else { continue }
      pending += pool.dependents(of: name)
    }
    return entries.values
      .filter { $0.action == .change && pool.processes[$0.process]?.replicaOf != nil && !takenDown.contains($0.process) }
      .map(\.process)
      .sorted { a, b in
        let (x, y) = (PoolConfig.splitInstanceName(a)!, PoolConfig.splitInstanceName(b)!)
        return x.process != y.process ? x.process < y.process : x.replica < y.replica
      }
  }

  /// `ListenStream` old → new when the process's socket is not what the config asks for: its
  /// addresses differ, or it has a socket and should have none, or the reverse. A socket not
  /// listening (stopped with its process) counts as none.
  static func socketChange(
    _ process: String, names: UnitNames, compiled: CompiledPool, loaded: [String: UnitState]
  ) -> PoolPlan.SettingChange? {
    let socket = names.socket(process)
    let new = (compiled.unit(named: socket)?.values(of: "ListenStream") ?? []).compactMap { value -> String? in
      if case .listenStream(let address) = value { return canonicalAddress(address) }
      return nil
    }
    let state = loaded[socket]
    let old = state.map { $0.activeState == .active || $0.activeState == .activating ? $0.listen.map(canonicalAddress) : [] } ?? []
    return old.sorted() == new.sorted() ? nil : PoolPlan.SettingChange(key: "ListenStream", old: old, new: new)
  }

  /// One spelling per address, as the manager prints it: an IPv6 literal in its shortest form
  /// (`[0:0::1]:80` → `[::1]:80`), others as written.
  static func canonicalAddress(_ text: String) -> String {
    guard case .tcp(let host, let port)? = ListenAddress(text), host.contains(":") else { return text }
    var bytes = in6_addr()
    var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
    guard inet_pton(AF_INET6, host, &bytes) == 1, inet_ntop(AF_INET6, &bytes, &buffer, socklen_t(buffer.count)) != nil else {
      return text
    }
    return "[\(String(cString: buffer))]:\(port)"
  }
}
