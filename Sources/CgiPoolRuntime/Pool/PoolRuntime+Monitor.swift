import ProcessConfig

/// Something the monitor saw happen to the pool.
public enum MonitorEvent: Sendable, Equatable {
  /// A process's unit changed state (`active/running` → `deactivating/stop-sigterm`, ...).
  case state(process: String, from: String, to: String, pid: Int32?)
  /// systemd restarted a process automatically; `count` is its restarts so far.
  case restarted(process: String, count: UInt32, pid: Int32?)
  /// The pool's health unit published a liveness result.
  case health(process: String, healthy: Bool, detail: String?)
}

extension PoolRuntime {
  /// Reports the pool's changes as systemd signals them, until `isCancelled` answers true.
  ///
  /// Driven by `PropertiesChanged` signals, not polling: the loop sleeps in the bus
  /// wait and re-reads only the units a signal named.
  public func monitor(isCancelled: () -> Bool, onEvent: (MonitorEvent) -> Void) throws(SystemdError) {
    var watched: [String: String] = [:]
    for process in pool.topologicalOrder() {
      watched[names.service(process)] = process
    }
    // Liveness results come from the health unit's state file, read after each wait.
    var lastHealth = healthState?.read() ?? [:]
    var last: [String: UnitState] = [:]
    for unit in watched.keys {
      if let state = try manager.unitState(unit) { last[unit] = state }
    }
    var dirty = Set<String>()
    let token = try manager.watchUnitChanges { name in
      if watched[name] != nil { dirty.insert(name) }
    }
    defer { withExtendedLifetime(token) {} }
    while !isCancelled() {
      try manager.processEvents(timeout: 0.5)
      let changed = dirty.sorted()
      dirty.removeAll()
      for unit in changed {
        guard let process = watched[unit] else { continue }
        let now = try manager.unitState(unit)
        let before = last[unit]
        if let now { last[unit] = now } else { last[unit] = nil }
        for event in Self.events(process: process, before: before, now: now) { onEvent(event) }
      }
      if let healthState {
        let health = healthState.read()
        for event in Self.healthEvents(before: lastHealth, now: health, order: pool.topologicalOrder()) { onEvent(event) }
        lastHealth = health
      }
    }
  }

  /// One `.health` event per process whose published check is newer than before, in start order.
  static func healthEvents(before: [String: HealthRecord], now: [String: HealthRecord], order: [String]) -> [MonitorEvent] {
    order.compactMap { process in
      guard let record = now[process], record.checkedMonotonic != before[process]?.checkedMonotonic else { return nil }
      return .health(process: process, healthy: record.healthy, detail: record.healthy ? nil : record.message)
    }
  }

  /// The events between two snapshots of one unit.
  static func events(process: String, before: UnitState?, now: UnitState?) -> [MonitorEvent] {
    let old = before.map { "\($0.activeState)/\($0.subState)" } ?? "gone"
    let new = now.map { "\($0.activeState)/\($0.subState)" } ?? "gone"
    var events: [MonitorEvent] = []
    if old != new {
      events.append(.state(process: process, from: old, to: new, pid: (now?.mainPID ?? 0) > 0 ? now?.mainPID : nil))
    }
    if let now, now.restarts > (before?.restarts ?? 0) {
      events.append(.restarted(process: process, count: now.restarts, pid: now.mainPID > 0 ? now.mainPID : nil))
    }
    return events
  }
}
