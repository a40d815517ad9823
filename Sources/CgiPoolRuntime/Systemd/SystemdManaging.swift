import UnitCompiler

/// The operations cgipool needs from a systemd manager.
///
/// `BusSystemdManager` implements it over sd-bus against a real manager; the tests' fast checks
/// of the runtime's own decisions use `FakeSystemdManager` (Tests/Support), but every behaviour
/// is also tested against a real (private) manager.
public protocol SystemdManaging: AnyObject {
  /// A human description of the manager, e.g. `private manager at /run/cgipool/cgipool (systemd 252)`.
  var managerDescription: String { get }
  /// The manager's major version (`Version` property), e.g. 252.
  func version() throws(SystemdError) -> Int
  /// Starts watching job completions; must be called before any job is enqueued.
  func watchJobs() throws(SystemdError)
  /// Creates and starts a transient unit (`StartTransientUnit`); returns the job path.
  func startTransientUnit(_ unit: TransientUnit) throws(SystemdError) -> String
  /// Starts a loaded unit (`StartUnit`, mode `replace`); returns the job path.
  func startUnit(_ name: String) throws(SystemdError) -> String
  /// Stops a unit (`StopUnit`); returns the job path, `nil` when the unit is not loaded.
  ///
  /// Mode `replace`, or with `alone` mode `ignore-requirements`: the stop then does not
  /// propagate, so units `PartOf=` this one (`restart: true` dependents) keep running.
  func stopUnit(_ name: String, alone: Bool) throws(SystemdError) -> String?
  /// Sends `signal` to the unit's processes (`KillUnit`, whom `all`).
  func killUnit(_ name: String, signal: Int32) throws(SystemdError)
  /// Clears a unit's failed state (`ResetFailedUnit`); a unit that is not loaded is not an error.
  func resetFailedUnit(_ name: String) throws(SystemdError)
  /// Waits until every job in `jobs` has finished or `timeout` seconds passed; calls `progress` per finished job.
  ///
  /// Throws an error with errno `ECANCELED` as soon as `isCancelled` answers true.
  func waitForJobs(
    _ jobs: Set<String>, timeout: Double, progress: (JobCompletion) -> Void, isCancelled: () -> Bool
  ) throws(SystemdError) -> [JobCompletion]
  /// Calls `handler` with a unit's name whenever its properties change, until the returned token is released.
  func watchUnitChanges(_ handler: @escaping (String) -> Void) throws(SystemdError) -> AnyObject
  /// Waits up to `timeout` seconds for signals and dispatches them to the watchers.
  func processEvents(timeout: Double) throws(SystemdError)
  /// The units whose names match `patterns` (`ListUnitsByPatterns`), loaded ones only.
  func listUnits(patterns: [String]) throws(SystemdError) -> [String]
  /// A snapshot of one unit's state; `nil` when the unit is not loaded.
  func unitState(_ name: String) throws(SystemdError) -> UnitState?
  /// Snapshots of many units at once, keyed by name; units that are not loaded are absent.
  ///
  /// Carries the runtime fields (states, PIDs, restarts, results, timestamps, memory), not the
  /// definition (`execStart`, `environment`, `workingDirectory` stay empty): `unitState` has those.
  /// For a running service `mainStartMonotonic` stays 0: reading it would cost every status of a
  /// large pool an eighth more, and only a failed unit's explanation needs it.
  func unitStates(_ names: [String]) throws(SystemdError) -> [String: UnitState]
  /// The load, active and sub states of many units from one listing, keyed by name; units that
  /// are not loaded are absent. Cheaper than `unitStates`: no runtime property is read.
  func listedStates(_ names: [String]) throws(SystemdError) -> [String: UnitState]
  /// The PIDs in the unit's cgroup (`GetUnitProcesses`); empty when not loaded.
  func unitProcesses(_ name: String) throws(SystemdError) -> [Int32]
  /// Makes the manager re-read unit files (`Reload`).
  func reload() throws(SystemdError)
  /// Links the unit files in `paths` into the manager's search path (`LinkUnitFiles`, runtime).
  func linkUnitFiles(_ paths: [String]) throws(SystemdError)
  /// Enables unit files by name (`EnableUnitFiles`, persistent): their `[Install]` links.
  func enableUnitFiles(_ names: [String]) throws(SystemdError)
  /// Disables unit files by name (`DisableUnitFiles`, persistent): removes their `[Install]` links.
  func disableUnitFiles(_ names: [String]) throws(SystemdError)
  /// The unit file a unit is loaded from (`FragmentPath`), `nil` when it has none (transient,
  /// or no such unit): tells installed units from transient ones.
  func unitFilePath(_ name: String) throws(SystemdError) -> String?
  /// The last state the manager announced for a unit it has since unloaded, from the change
  /// signals received since `watchJobs()`; `nil` when none was seen.
  ///
  /// A transient service whose process ended successfully is unloaded at once, before any
  /// query could ask how it ended; its last `PropertiesChanged` signals still said.
  func lastAnnouncedState(_ name: String) throws(SystemdError) -> UnitState?
}

extension SystemdManaging {
  /// Stops a unit and, as systemd propagates the stop, the units `PartOf=` it (mode `replace`).
  public func stopUnit(_ name: String) throws(SystemdError) -> String? {
    try stopUnit(name, alone: false)
  }

  /// No announcements, for managers that unload nothing behind the caller's back.
  public func lastAnnouncedState(_ name: String) throws(SystemdError) -> UnitState? { nil }

  /// `unitStates`, for managers without a cheaper listing.
  public func listedStates(_ names: [String]) throws(SystemdError) -> [String: UnitState] {
    try unitStates(names)
  }

  /// `waitForJobs` that cannot be cancelled.
  public func waitForJobs(
    _ jobs: Set<String>, timeout: Double, progress: (JobCompletion) -> Void
  ) throws(SystemdError) -> [JobCompletion] {
    try waitForJobs(jobs, timeout: timeout, progress: progress, isCancelled: { false })
  }
}

/// One finished job (`JobRemoved`): which unit and how it ended.
public struct JobCompletion: Sendable, Equatable {
  /// The job's object path.
  public var job: String
  /// The unit the job was for.
  public var unit: String
  /// `done`, `failed`, `timeout`, `dependency`, `canceled`, `skipped`, `invalid` or `assert`.
  public var result: JobResult

  /// Creates a completion.
  public init(job: String, unit: String, result: JobResult) {
    self.job = job
    self.unit = unit
    self.result = result
  }
}
