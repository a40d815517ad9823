import ProcessConfig
import UnitCompiler

/// What `apply` would do to bring the running pool to the config: `cgipool plan`'s answer.
public struct PoolPlan: Sendable, Equatable {
  /// What happens to one process.
  public enum Action: String, Sendable, Equatable {
    /// In the config, not running under the manager: apply starts it.
    case add
    /// Running under the manager, no longer in the config: apply stops it.
    case remove
    /// Running with settings the config changed (or env files edited since it started): apply restarts it.
    case change
    /// Running as the config says: apply leaves it alone.
    case unchanged
  }

  /// One setting that differs: its values before and after (empty: not set).
  public struct SettingChange: Sendable, Equatable {
    /// The unit-file key (`Environment`, `ExecStart`, ...).
    public var key: String
    /// What the manager has loaded.
    public var old: [String]
    /// What the config compiles to.
    public var new: [String]

    /// Creates a setting change.
    public init(key: String, old: [String], new: [String]) {
      self.key = key
      self.old = old
      self.new = new
    }
  }

  /// The plan for one process.
  public struct Entry: Sendable, Equatable {
    /// The process name.
    public var process: String
    /// Its unit.
    public var unit: String
    /// What apply does.
    public var action: Action
    /// The settings that differ (`change` only).
    public var settings: [SettingChange]
    /// Environment files edited after the process started (`change`): systemd reads them at
    /// start, so the process still has the old content.
    public var editedEnvFiles: [String]
    /// For a process restarted only because it depends on ones whose definition changed (the
    /// changed unit can be made anew only once no loaded unit names it): those dependencies.
    public var follows: [String]

    /// Whether apply makes the unit anew (its settings changed), rather than restarting the
    /// loaded definition to re-read edited env files. A new definition needs the process's
    /// socket stopped too: while the socket is loaded, so is the service it names.
    public var needsNewDefinition: Bool { action == .change && !settings.isEmpty }
  }

  /// What happens to one of the pool's helper units (health, log cap).
  public struct HelperChange: Sendable, Equatable {
    /// The helper's unit (`<pool>.logcap.service`).
    public var unit: String
    /// `add`, `change` (apply replaces it) or `remove`.
    public var action: Action
    /// Why ("command changed", "not running", ...).
    public var reason: String

    /// Creates a helper change.
    public init(unit: String, action: Action, reason: String) {
      self.unit = unit
      self.action = action
      self.reason = reason
    }
  }

  /// One entry per process of the config and per removed process, sorted by process name.
  public var entries: [Entry]
  /// The helper units apply adds, replaces or removes, in the order of `UnitNames.helpers`.
  public var helpers: [HelperChange] = []
  /// The changed instances of replicated processes that apply restarts one at a time, each
  /// healthy before the next (`web@1`, `web@2`), in that order; a changed dependency's stop
  /// takes the others down with it.
  public var rolling: [String] = []

  /// The plan when no manager runs the pool: every process is added.
  public static func startingEverything(_ pool: PoolConfig) -> PoolPlan {
    let names = UnitNames(pool: pool.name)
    return PoolPlan(entries: pool.processes.keys.sorted().map { process in
      Entry(process: process, unit: names.service(process), action: .add, settings: [], editedEnvFiles: [], follows: [])
    })
  }

  /// Whether apply would change anything (`plan` exits 2 then, 0 otherwise).
  public var hasChanges: Bool { entries.contains { $0.action != .unchanged || !$0.follows.isEmpty } || !helpers.isEmpty }

  /// Whether carrying the plan out needs new unit definitions (a process or helper added,
  /// removed or with changed settings). A pool running from installed unit files gets those by
  /// installing again; apply can only restart its processes whose env files changed.
  public var needsUnitFiles: Bool {
    entries.contains { ($0.action == .change && !$0.settings.isEmpty) || $0.action == .add || $0.action == .remove }
      || helpers.contains { $0.action != .add }
  }

  /// The processes apply restarts, changed ones and the dependents that follow them, sorted.
  public var restarts: [String] {
    entries.filter { $0.action == .change || ($0.action == .unchanged && !$0.follows.isEmpty) }.map(\.process)
  }
}
