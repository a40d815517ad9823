/// One row of `org.freedesktop.systemd1.Manager.ListUnits` / `ListUnitsByPatterns`
/// (`(ssssssouso)`).
public struct UnitStatus: Sendable, Hashable {
  /// The unit name, e.g. `web.service`.
  public var name: String
  /// The description.
  public var description: String
  /// `loaded`, `not-found`, `error`, `masked`, ...
  public var loadState: String
  /// `active`, `inactive`, `failed`, `activating`, `deactivating`, ...
  public var activeState: String
  /// The type-specific sub state, e.g. `running`, `dead`, `exited`.
  public var subState: String
  /// The unit this one follows, or empty.
  public var following: String
  /// The unit's object path.
  public var path: String
  /// The queued job's id, 0 when none.
  public var jobID: UInt32
  /// The queued job's type, or empty.
  public var jobType: String
  /// The queued job's object path (`/` when none).
  public var jobPath: String

  /// Creates a row from its fields.
  public init(
    name: String, description: String, loadState: String, activeState: String, subState: String,
    following: String, path: String, jobID: UInt32, jobType: String, jobPath: String
  ) {
    self.name = name
    self.description = description
    self.loadState = loadState
    self.activeState = activeState
    self.subState = subState
    self.following = following
    self.path = path
    self.jobID = jobID
    self.jobType = jobType
    self.jobPath = jobPath
  }

  /// Decodes a `(ssssssouso)` struct; nil when it has another shape.
  init?(_ value: BusValue) {
    guard case .struct(let f) = value, f.count == 10,
      case .string(let name) = f[0], case .string(let description) = f[1],
      case .string(let load) = f[2], case .string(let active) = f[3], case .string(let sub) = f[4],
      case .string(let following) = f[5], case .objectPath(let path) = f[6],
      case .uint32(let jobID) = f[7], case .string(let jobType) = f[8], case .objectPath(let jobPath) = f[9]
    else { return nil }
    self.init(
      name: name, description: description, loadState: load, activeState: active, subState: sub,
      following: following, path: path, jobID: jobID, jobType: jobType, jobPath: jobPath)
  }
}
