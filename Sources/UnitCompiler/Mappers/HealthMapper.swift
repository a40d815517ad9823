import ProcessConfig

/// Maps `health_check`: the readiness probe that gates dependents, and the liveness units.
enum HealthMapper {
  /// Extra seconds the start job may take beyond the probe's own delay and timeout.
  static let startTimeoutMargin: Double = 5

  static func map(_ context: MappingContext) -> MappedSettings {
    var mapped = MappedSettings()
    guard let check = context.process.healthCheck else { return mapped }
    // The probe runs as ExecStartPost=, so the unit only becomes active, and
    // After= only releases its dependents, once the process is healthy.
    let delay = context.process.startupDelay > 0 ? ["--delay", Seconds.text(context.process.startupDelay)] : []
    mapped.service.append(
      UnitSetting("ExecStartPost", .exec(probeCommand(context, check, timeout: check.timeout, options: delay))))
    let startTimeout = context.process.startupDelay + check.timeout + startTimeoutMargin
    mapped.service.append(
      UnitSetting(
        "TimeoutStartSec", .microseconds(Seconds.microseconds(startTimeout)), busProperty: "TimeoutStartUSec"))
    if hasLiveness(context.process) {
      mapped.unit.append(UnitSetting("Wants", .unitNames([context.names.livenessTimer(context.process.name)])))
    }
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
    process.restartPolicy == .always && process.healthCheck != nil
  }

  /// The timer and oneshot service that probe a running process every `interval`.
  static func livenessUnits(_ context: MappingContext) -> [UnitDefinition] {
    guard hasLiveness(context.process), let check = context.process.healthCheck else { return [] }
    let names = context.names
    let process = context.process.name
    let main = names.service(process)
    let description = "cgipool \(context.pool.name): \(process) liveness"
    // PartOf= stops the checks whenever the main unit stops or restarts, and the
    // main unit's Wants= starts them again once it is active.
    let timer = UnitDefinition(
      name: names.livenessTimer(process), kind: .timer, process: process,
      sections: [
        UnitSection(
          "Unit",
          [
            UnitSetting("Description", .string(description)),
            // A timer's default dependencies order it before timers.target, which a user
            // manager's basic.target (and so every service) is ordered after: with After=
            // the main unit below, that closes an ordering cycle and systemd drops jobs.
            UnitSetting("DefaultDependencies", .bool(false)),
            UnitSetting("PartOf", .unitNames([main])),
            UnitSetting("After", .unitNames([main])),
          ]),
        UnitSection(
          "Timer",
          [
            UnitSetting("OnActiveSec", .microseconds(Seconds.microseconds(check.interval))),
            UnitSetting("OnUnitInactiveSec", .microseconds(Seconds.microseconds(check.interval))),
            UnitSetting("AccuracySec", .microseconds(100_000), busProperty: "AccuracyUSec"),
          ]),
      ])
    // One attempt window per check: never longer than the interval, so checks do not pile up.
    var options = ["--liveness-of", main, "--failure-threshold", String(check.failureThreshold)]
    if let bus = context.options.busAddress { options += ["--bus", bus] }
    var service: [UnitSetting] = [
      UnitSetting("Type", .string("oneshot")),
      UnitSetting("Slice", .string(names.slice)),
      UnitSetting("WorkingDirectory", .string(context.workingDirectory)),
    ]
    // The check runs with the process's environment, as a command check written for it expects.
    service += ExecMapper.environmentSettings(context.process)
    service.append(
      UnitSetting("ExecStart", .exec(probeCommand(context, check, timeout: min(check.timeout, check.interval), options: options))))
    service += ExecMapper.outputSettings(context.options, process: process)
    let probe = UnitDefinition(
      name: names.livenessService(process), kind: .service, process: process,
      sections: [
        UnitSection(
          "Unit",
          [
            UnitSetting("Description", .string(description)),
            UnitSetting("PartOf", .unitNames([main])),
            UnitSetting("After", .unitNames([main])),
            // Every check is a start of this unit: systemd's default limit (5 starts in 10 s)
            // would stop short intervals after a few checks and fail the timer with it.
            UnitSetting("StartLimitIntervalSec", .microseconds(0), busProperty: "StartLimitIntervalUSec"),
          ]),
        UnitSection("Service", service),
      ])
    return [timer, probe]
  }
}
