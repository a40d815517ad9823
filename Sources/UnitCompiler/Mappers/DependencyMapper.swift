import ProcessConfig

/// Maps where a process sits: its description, slice, target membership and dependencies.
///
/// `depends_on` maps to settings that propagate nothing by themselves, plus a gate the
/// dependent runs (see docs/dependencies.md):
/// - `Wants=` pulls each dependency into the dependent's start; unlike `Requires=`, a
///   dependency's crash, restart or stop does not reach the dependent (systemd's
///   `Wants=` carries no `PROPAGATE_STOP`/`PROPAGATE_RESTART` atom);
/// - `After=` (conditions `healthy` and `completed_successfully`) holds the dependent's start
///   job until the dependency's has finished, health probe (`ExecStartPost=`) included;
/// - `ExecCondition=cgipool gate ...` checks, when the dependent starts, that each
///   dependency really is healthy, started or completed: it waits while a dependency is
///   still starting or being restarted by systemd, and exits 1 when one failed, which
///   skips the dependent without failing it (no `Restart=`, no start-limit); it runs outside
///   the unit's sandbox (`+`), since it must reach the manager's bus;
/// - `PartOf=` (`restart: true`) makes the dependency's stops and restarts, automatic
///   restarts after a crash included, stop and restart the dependent.
enum DependencyMapper {
  /// Seconds a dependent waits for a `completed_successfully` dependency to finish.
  static let completionWait: Double = 3600

  static func map(_ context: MappingContext) -> MappedSettings {
    var mapped = MappedSettings()
    let names = context.names
    let dependencies = context.process.dependencies.sorted { $0.process < $1.process }
    mapped.unit.append(
      UnitSetting("Description", .string("cgipool \(context.pool.name): \(context.process.name)")))
    // PartOf= the target makes stopping or restarting the pool's target reach every process;
    // PartOf= a dependency (restart: true) does the same for that dependency's stops and restarts.
    let restartedWith = dependencies.filter(\.restart).map { names.service($0.process) }
    mapped.unit.append(UnitSetting("PartOf", .unitNames([names.target] + restartedWith)))
    if !dependencies.isEmpty {
      let ordered = dependencies.filter { $0.condition != .started }.map { names.service($0.process) }
      mapped.unit.append(UnitSetting("Wants", .unitNames(dependencies.map { names.service($0.process) })))
      if !ordered.isEmpty { mapped.unit.append(UnitSetting("After", .unitNames(ordered))) }
      mapped.service.append(UnitSetting("ExecCondition", .exec(gateCommand(context, dependencies))))
    }
    mapped.service.append(UnitSetting("Slice", .string(names.slice)))
    return mapped
  }

  /// `cgipool gate --healthy U --started U --completed U --timeout T [--bus B]`.
  static func gateCommand(_ context: MappingContext, _ dependencies: [Dependency]) -> ExecCommand {
    let gate = context.options.probeExecutable
    var argv = [gate, "gate"]
    for dependency in dependencies {
      argv += ["--" + gateFlag(dependency.condition), context.names.service(dependency.process)]
    }
    argv += ["--timeout", Seconds.text(gateTimeout(context) ?? 0)]
    if let bus = context.options.busAddress { argv += ["--bus", bus] }
    // Privileged (`+`): the gate talks to the manager's bus, which the process's sandbox
    // (PrivateTmp=, ProtectSystem=, PrivateUsers=, address families) would hide or refuse.
    // It only reads unit states; the dependent's own command still runs sandboxed.
    return ExecCommand(path: gate, argv: argv, privileged: true)
  }

  /// The `cgipool gate` option of a condition.
  static func gateFlag(_ condition: Dependency.Condition) -> String {
    switch condition {
    case .healthy: "healthy"
    case .started: "started"
    case .completedSuccessfully: "completed"
    }
  }

  /// How long the gate waits for dependencies that are still starting, or `nil` without dependencies.
  ///
  /// A dependency that systemd is restarting may need every start its start limit allows, each
  /// with its own start timeout and restart delay; once it hits the limit it is `failed` and the
  /// gate gives up at once, so the budget is only spent while there is still hope.
  static func gateTimeout(_ context: MappingContext) -> Double? {
    guard !context.process.dependencies.isEmpty else { return nil }
    var longest: Double = 0
    for dependency in context.process.dependencies {
      guard let spec = context.pool.processes[dependency.process] else { continue }
      if dependency.condition == .completedSuccessfully {
        longest = max(longest, completionWait)
        continue
      }
      let start = StartBudget.seconds(spec, poolSize: context.pool.processes.count)
      longest = max(longest, Double(StartLimit.burst) * (start + spec.restartDelay))
    }
    return longest
  }
}
