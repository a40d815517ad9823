import ProcessConfig

/// Renders an import as `process_config.json` text: two-space indent, keys in the README's order.
///
/// Only keys the source set are written (health check fields only when not the default), so the
/// file says what the source said; key names come from the validator's key enums.
public enum ConfigWriter {
  /// The JSON text for `result`, named `poolName` (or the source's name, or none: cgipool's default).
  public static func render(_ result: ImportResult, poolName: String? = nil) -> String {
    var members: [JSONOutput.Member] = []
    if let name = poolName ?? result.poolName { members.append(.init(PoolKey.name.rawValue, .string(name))) }
    let processes = result.processes.map { JSONOutput.Member($0.name, process($0)) }
    members.append(.init(PoolKey.processes.rawValue, .object(processes)))
    return JSONOutput.object(members).rendered() + "\n"
  }

  private static func process(_ process: ImportedProcess) -> JSONOutput {
    var members: [JSONOutput.Member] = [.init(ProcessKey.command.rawValue, .array(process.command.map(JSONOutput.string)))]
    if let cwd = process.cwd { members.append(.init(ProcessKey.cwd.rawValue, .string(cwd))) }
    if !process.env.isEmpty {
      members.append(.init(ProcessKey.env.rawValue, .object(process.env.map { JSONOutput.Member($0.0, .string($0.1)) })))
    }
    if let replicas = process.replicas { members.append(.init(ProcessKey.replicas.rawValue, .number(Double(replicas)))) }
    if let policy = process.restartPolicy { members.append(.init(ProcessKey.restartPolicy.rawValue, .string(policy.rawValue))) }
    if let delay = process.restartDelay { members.append(.init(ProcessKey.restartDelay.rawValue, .number(delay))) }
    if let delay = process.startupDelay { members.append(.init(ProcessKey.startupDelay.rawValue, .number(delay))) }
    if let signal = process.stopSignal { members.append(.init(ProcessKey.stopSignal.rawValue, .string(signal.rawValue))) }
    if let timeout = process.stopTimeout { members.append(.init(ProcessKey.stopTimeout.rawValue, .number(timeout))) }
    if let settle = process.settleTime { members.append(.init(ProcessKey.settleTime.rawValue, .number(settle))) }
    if !process.dependsOn.isEmpty { members.append(.init(ProcessKey.dependsOn.rawValue, .array(process.dependsOn.map(JSONOutput.string)))) }
    if let check = process.healthCheck {
      var fields: [JSONOutput.Member] = [.init(HealthCheckKey.type.rawValue, .string(check.kind.rawValue)), .init(HealthCheckKey.target.rawValue, .string(check.target))]
      if check.timeout != HealthCheck.defaultTimeout { fields.append(.init(HealthCheckKey.timeout.rawValue, .number(check.timeout))) }
      if check.interval != HealthCheck.defaultInterval { fields.append(.init(HealthCheckKey.interval.rawValue, .number(check.interval))) }
      if check.failureThreshold != HealthCheck.defaultFailureThreshold {
        fields.append(.init(HealthCheckKey.failureThreshold.rawValue, .number(Double(check.failureThreshold))))
      }
      members.append(.init(ProcessKey.healthCheck.rawValue, .object(fields)))
    }
    return .object(members)
  }
}
