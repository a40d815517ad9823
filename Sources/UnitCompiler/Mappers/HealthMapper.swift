import ProcessConfig

/// Maps `health_check`: the readiness probe that gates dependents, and the pool's health unit.
enum HealthMapper {
  static func map(_ context: MappingContext) -> MappedSettings {
    var mapped = MappedSettings()
    // The dependency gate (ExecCondition=) and the probe both run inside the start job.
    let gate = DependencyMapper.gateTimeout(context) ?? 0
    let queue = StartBudget.queue(poolSize: context.pool.processes.count)
    guard let check = context.process.healthCheck else {
      if gate > 0 {
        mapped.service.append(
          UnitSetting(
            "TimeoutStartSec", .microseconds(Seconds.microseconds(gate + StartBudget.margin + queue)),
            busProperty: "TimeoutStartUSec"))
      }
      return mapped
    }
    // The probe runs as ExecStartPost=, so the unit only becomes active, and
    // After= only releases its dependents, once the process is healthy.
    let delay = context.process.startupDelay > 0 ? ["--delay", Seconds.text(context.process.startupDelay)] : []
    mapped.service.append(
      UnitSetting("ExecStartPost", .exec(probeCommand(context, check, timeout: check.timeout, options: delay))))
    let startTimeout = gate + StartBudget.seconds(context.process, poolSize: context.pool.processes.count)
    mapped.service.append(
      UnitSetting(
        "TimeoutStartSec", .microseconds(Seconds.microseconds(startTimeout)), busProperty: "TimeoutStartUSec"))
    return mapped
  }

  /// `cgipool probe <kind> <target> --timeout T <options>` as a command line.
  static func probeCommand(_ context: MappingContext, _ check: HealthCheck, timeout: Double, options: [String]) -> ExecCommand {
    let probe = context.options.probeExecutable
    let argv = [probe, "probe", check.kind.rawValue, check.target, "--timeout", Seconds.text(timeout)] + options
    return ExecCommand(path: probe, argv: argv)
  }

  /// Whether systemd probes the process while it runs (`always` with a health check).
  static func hasLiveness(_ process: ProcessSpec) -> Bool {
    process.hasLiveness
  }

  /// Seconds within which the health unit must say `WATCHDOG=1`; it says so every second.
  static let watchdogSeconds: Double = 20
  /// Seconds before systemd starts the health unit again after it died.
  static let healthRestartSeconds: Double = 1

  /// The liveness check of one process, when it has one.
  static func livenessCheck(_ context: MappingContext) -> LivenessCheck? {
    guard hasLiveness(context.process), let check = context.process.healthCheck else { return nil }
    let logFile = context.options.logDirectory.map { LogPath.file(process: context.process.name, in: $0) }
    return LivenessCheck(
      process: context.process.name, unit: context.names.service(context.process.name), kind: check.kind.rawValue,
      target: check.target, interval: check.interval,
      // One attempt window per check: never longer than the interval, so checks do not pile up.
      timeout: min(check.timeout, check.interval), failureThreshold: check.failureThreshold,
      workingDirectory: context.workingDirectory,
      environment: context.process.env.keys.sorted().map { ($0, context.process.env[$0]!) }, logFile: logFile)
  }

  /// `<pool>.health.service`: one supervised process that checks the liveness of every
  /// `always` process with a health check; nil when the pool has none.
  ///
  /// It runs `cgipool liveness` with every check as an argument, so it needs nothing but the
  /// binary at run time. `Type=notify` + `WatchdogSec=`: systemd restarts it when it dies or
  /// hangs (`Restart=always`), and it keeps its counters across restarts in its state file.
  static func healthUnit(_ contexts: [MappingContext]) -> UnitDefinition? {
    let checks = contexts.compactMap(livenessCheck)
    guard let first = contexts.first, !checks.isEmpty else { return nil }
    let names = first.names
    let options = first.options
    var argv = [options.probeExecutable, "liveness", "--pool", first.pool.name]
    if let bus = options.busAddress { argv += ["--bus", bus] }
    for check in checks { argv += ["--check", check.argument] }
    var service: [UnitSetting] = [
      UnitSetting("Type", .string("notify")),
      // Only cgipool itself may say READY/WATCHDOG, not the command checks it starts.
      UnitSetting("NotifyAccess", .string("main")),
      UnitSetting("WatchdogSec", .microseconds(Seconds.microseconds(watchdogSeconds)), busProperty: "WatchdogUSec"),
      UnitSetting("Restart", .string("always")),
      UnitSetting("RestartSec", .microseconds(Seconds.microseconds(healthRestartSeconds)), busProperty: "RestartUSec"),
      UnitSetting("Slice", .string(names.slice)),
      UnitSetting("ExecStart", .exec(ExecCommand(path: options.probeExecutable, argv: argv))),
      // SIGTERM reaches the command checks it started too (their own process groups).
      UnitSetting("KillMode", .string("control-group")),
      UnitSetting("TimeoutStopSec", .microseconds(Seconds.microseconds(5)), busProperty: "TimeoutStopUSec"),
    ]
    service += ExecMapper.outputSettings(options, process: first.pool.name + ".health")
    service += SandboxMapper.healthSettings(contexts.filter { livenessCheck($0) != nil }, options: options)
    return UnitDefinition(
      name: names.health, kind: .service,
      sections: [
        HelperUnit.unitSection(description: "cgipool \(first.pool.name): liveness checks", names: names),
        UnitSection("Service", service),
      ])
  }
}
