import ProcessConfig

/// The names of a pool's units, in one place so every back end agrees.
///
/// Process names cannot contain `.`, so the pool's health unit (`<pool>.health.service`) can
/// never collide with a process's service, whatever the process is called.
public struct UnitNames: Sendable, Equatable {
  /// The pool's name.
  public var pool: String

  /// Creates the naming scheme of `pool`.
  public init(pool: String) {
    self.pool = pool
  }

  /// The slice every process runs in: `<pool>.slice`.
  public var slice: String { "\(pool).slice" }
  /// The target that wants every process: `<pool>.target`.
  public var target: String { "\(pool).target" }

  /// The main service of `process`: `<pool>-<process>.service`.
  public func service(_ process: String) -> String { "\(pool)-\(process).service" }
  /// The unit of instance `replica` of a replicated `process`: `<pool>-<process>@<replica>.service`
  /// (the instance's process name is `PoolConfig.instanceName`).
  public func instance(_ process: String, replica: Int) -> String {
    service(PoolConfig.instanceName(process, replica: replica))
  }
  /// The template name of a replicated `process`'s instances: `<pool>-<process>@.service`.
  /// cgipool writes one unit per instance (see docs/replicas.md), so no file has this name;
  /// it is the name systemd reports as each instance's template.
  public func template(_ process: String) -> String { "\(pool)-\(process)@.service" }
  /// Every loaded instance of a replicated `process` (for `ListUnitsByPatterns`).
  public func instancePattern(_ process: String) -> String { "\(pool)-\(process)@*.service" }
  /// The socket that holds `process`'s `listen` addresses: `<pool>-<process>.socket`. It has the
  /// service's name, so it feeds that service (a transient socket cannot name another one).
  public func socket(_ process: String) -> String { "\(pool)-\(process).socket" }
  /// The unit that checks the liveness of every process of the pool: `<pool>.health.service`.
  ///
  /// Not `<pool>-health.service`: that is the service of a process called `health`.
  public var health: String { "\(pool).health.service" }
  /// The unit that keeps the pool's log files below their size (`log_max_bytes`):
  /// `<pool>.logcap.service`.
  public var logCap: String { "\(pool).logcap.service" }
  /// The pool's helper units, beside its processes' services: they start with the whole pool
  /// and stop with it.
  public var helpers: [String] { [health, logCap] }

  /// The process a unit name belongs to (`cgipool-web.service` → `web`), if it is one of this pool's.
  public func process(ofUnit unit: String) -> String? {
    let prefix = "\(pool)-"
    guard unit.hasPrefix(prefix) else { return nil }
    var rest = unit.dropFirst(prefix.count)
    for suffix in [".service"] where rest.hasSuffix(suffix) {
      rest = rest.dropLast(suffix.count)
      return rest.isEmpty || rest.contains(".") ? nil : String(rest)
    }
    return nil
  }

  /// Glob patterns that match every unit of the pool (for `ListUnitsByPatterns`).
  public var patterns: [String] { [slice, target] + helpers + ["\(pool)-*"] }
}
