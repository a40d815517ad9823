/// What the manager reports about one unit, in the terms `status` and `start` need.
public struct UnitState: Sendable, Equatable {
  /// The unit name.
  public var name: String
  /// `loaded`, `not-found`, ...
  public var loadState: LoadState
  /// `active`, `activating`, `deactivating`, `inactive`, `failed`.
  public var activeState: ActiveState
  /// The type-specific state, e.g. `running`, `auto-restart`, `start-post`.
  public var subState: SubState
  /// The main process, 0 when none.
  public var mainPID: Int32
  /// Automatic restarts so far (`NRestarts`).
  public var restarts: UInt32
  /// The last result (`Result`): `success`, `exit-code`, `signal`, `timeout`, `start-limit-hit`, ...
  public var result: ServiceResult
  /// How the main process last ended (`ExecMainCode`: 1 exited, 2 killed, 3 dumped).
  public var execMainCode: Int32
  /// The main process's last exit status or signal (`ExecMainStatus`).
  public var execMainStatus: Int32
  /// Monotonic µs when the unit last became active, 0 if never.
  public var activeEnterMonotonic: UInt64
  /// Monotonic µs when the current main process started, 0 if never.
  public var mainStartMonotonic: UInt64
  /// Monotonic µs when the main process last ended, 0 if never.
  public var mainExitMonotonic: UInt64
  /// Bytes of memory the unit's cgroup uses, `nil` when not accounted.
  public var memoryBytes: UInt64?
  /// The executable and argv of `ExecStart=`, as the manager holds them.
  public var execStart: [ExecCommandState]
  /// `Environment=` entries as the manager holds them.
  public var environment: [String]
  /// `WorkingDirectory=`.
  public var workingDirectory: String
  /// The unit's Description.
  public var description: String
  /// `EnvironmentFiles`, each as a unit file writes it (`-` before an optional one).
  public var environmentFiles: [String] = []
  /// `ExecStartPost=` commands (the health probe), as the manager holds them.
  public var execStartPost: [ExecCommandState] = []
  /// Monotonic µs when the unit last left the inactive state (its start job ran), 0 if never.
  public var inactiveExitMonotonic: UInt64 = 0
  /// `LoadCredential`, each as `NAME:PATH`.
  public var credentials: [String] = []
  /// `Restart=` (`always`, `on-failure`, `no`); empty when not reported.
  public var restart: String = ""
  /// `RestartUSec`.
  public var restartMicroseconds: UInt64 = 0
  /// `TimeoutStopUSec`.
  public var timeoutStopMicroseconds: UInt64 = 0
  /// `KillSignal`, the stop signal's number; 0 when not reported.
  public var killSignal: Int32 = 0
  /// The units this one `Wants=` (the manager's implicit ones included).
  public var wants: [String] = []
  /// The units this one starts `After=` (the manager's implicit ones included).
  public var after: [String] = []
  /// The units this one is `PartOf=`.
  public var partOf: [String] = []
  /// Wall-clock µs since the epoch when the current main process started, 0 if never
  /// (`ExecMainStartTimestamp`): env files edited later are not in its environment.
  public var mainStartRealtime: UInt64 = 0
  /// The unit's cgroup (`ControlGroup`), relative to the cgroup file system's root; empty when
  /// it has none or the snapshot did not read it (`unitStates` leaves it out).
  public var controlGroup = ""
  /// A socket unit's addresses as the manager reports them (`Listen`: `127.0.0.1:9001`,
  /// `[::1]:9001`, `/run/x.sock`); empty for other units.
  public var listen: [String] = []

  /// Creates a state snapshot.
  public init(
    name: String, loadState: LoadState = .loaded, activeState: ActiveState = .inactive, subState: SubState = .dead,
    mainPID: Int32 = 0, restarts: UInt32 = 0, result: ServiceResult = .success, execMainCode: Int32 = 0,
    execMainStatus: Int32 = 0, activeEnterMonotonic: UInt64 = 0, mainStartMonotonic: UInt64 = 0, mainExitMonotonic: UInt64 = 0,
    memoryBytes: UInt64? = nil, execStart: [ExecCommandState] = [], environment: [String] = [],
    workingDirectory: String = "", description: String = ""
  ) {
    self.name = name
    self.loadState = loadState
    self.activeState = activeState
    self.subState = subState
    self.mainPID = mainPID
    self.restarts = restarts
    self.result = result
    self.execMainCode = execMainCode
    self.execMainStatus = execMainStatus
    self.activeEnterMonotonic = activeEnterMonotonic
    self.mainStartMonotonic = mainStartMonotonic
    self.mainExitMonotonic = mainExitMonotonic
    self.memoryBytes = memoryBytes
    self.execStart = execStart
    self.environment = environment
    self.workingDirectory = workingDirectory
    self.description = description
  }

  /// Whether the unit is up (`active`), or on its way there.
  public var isActive: Bool { activeState == .active }

  /// A name other units merely reference: systemd lists it `not-found`/`inactive`, but no
  /// definition stands behind it, so it is not a unit of ours (yet).
  public var isUnloadedStub: Bool { loadState == .notFound && activeState == .inactive }
}

/// One `ExecStart=` command as the manager reports it.
public struct ExecCommandState: Sendable, Equatable {
  /// The executed path.
  public var path: String
  /// The argv.
  public var argv: [String]

  /// Creates a command state.
  public init(path: String, argv: [String]) {
    self.path = path
    self.argv = argv
  }
}
