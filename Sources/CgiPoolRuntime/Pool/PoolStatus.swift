/// The state of one process as `cgipool status` shows it.
public struct ProcessStatus: Sendable, Equatable, Codable {
  /// The process name.
  public var process: String
  /// The unit name.
  public var unit: String
  /// `active`, `inactive`, `failed`, `activating`, ... (`inactive` when not loaded).
  public var state: ActiveState
  /// The sub-state, e.g. `running`, `auto-restart`, `dead`.
  public var subState: SubState
  /// The main PID, `nil` when none.
  public var mainPID: Int32?
  /// Seconds since the unit became active, `nil` when not active.
  public var uptimeSeconds: Double?
  /// Automatic restarts so far.
  public var restarts: UInt32
  /// Memory used by the unit's cgroup in bytes, when the manager accounts it.
  public var memoryBytes: UInt64?
  /// The last result (`success`, `exit-code`, `start-limit-hit`, ...).
  public var lastResult: ServiceResult
  /// The last liveness check: `healthy`, `unhealthy`, or `nil` when none ran.
  public var health: String?
  /// Seconds since the last liveness check ended.
  public var healthAgeSeconds: Double?
  /// The process's log file, when logs are kept in files.
  public var logFile: String?
  /// True when the process's output is in the journal (`cgipool logs` reads it there); nil when in files.
  public var logsInJournal: Bool?
  /// A hint when the state needs the operator (start limit hit, restarting).
  public var note: String?
  /// The addresses systemd holds for the process (`listen`); nil without `listen`.
  public var listen: [String]?
  /// Its socket unit's state (`active` while it listens, `inactive`, `failed`); nil without `listen`.
  public var socketState: ActiveState?
  /// A `restart_policy: no` process whose unit is gone: it ran and was removed, as the policy says.
  public var finished: Bool = false

  /// Whether the process is where it should be: up, or (policy `no`) done and removed.
  public var isActive: Bool { state == .active || finished }
}

/// The state of the whole pool.
public struct PoolStatus: Sendable, Equatable, Codable {
  /// The pool's name.
  public var pool: String
  /// Which manager was asked.
  public var manager: String
  /// One entry per process, in start order.
  public var processes: [ProcessStatus]

  /// Whether every process is active.
  public var allActive: Bool { processes.allSatisfy(\.isActive) }
  /// `N/M active`, plus how many `restart_policy: no` processes are done.
  public var summary: String {
    let running = processes.filter { $0.state == .active }.count
    let finished = processes.filter(\.finished).count
    return "\(running)/\(processes.count - finished) active" + (finished > 0 ? ", \(finished) finished (restart_policy no)" : "")
  }
}
