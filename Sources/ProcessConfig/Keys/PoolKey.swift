/// The keys at the top level of `process_config.json`.
public enum PoolKey: String, ConfigKey {
  /// `$schema`: the JSON Schema an editor validates the file against; cgipool only checks it is a string.
  case schema = "$schema"
  /// `build`: the argv run before a `--build` start.
  case build
  /// `hosts`: remote machines by name, each `[USER@]HOST[:PORT]`.
  case hosts
  /// `log_max_bytes`: the size each log file is kept below where output goes to files.
  case logMaxBytes = "log_max_bytes"
  /// `name`: the pool's name.
  case name
  /// `orphan_patterns`: patterns of processes that belong to the pool.
  case orphanPatterns = "orphan_patterns"
  /// `processes`: the processes by name.
  case processes
  /// `sandbox`: the hardening every process gets unless it says otherwise.
  case sandbox

  /// The key described as data.
  public var info: ConfigKeyInfo {
    switch self {
    case .schema:
      ConfigKeyInfo(
        "The JSON Schema editors validate and complete this file with (schema/process_config.schema.json).",
        type: .string)
    case .build:
      ConfigKeyInfo(
        "An argv the operator scripts run before starting with --build.", type: .argv, defaultValue: .null)
    case .hosts:
      ConfigKeyInfo(
        "Remote machines by name, each [USER@]HOST[:PORT] as ssh and systemctl -H take it; processes name one in host.",
        type: .stringMap, defaultValue: .emptyObject)
    case .logMaxBytes:
      ConfigKeyInfo(
        "Where output goes to files (<log dir>/<process>.log), a file that passed this many bytes (looked at every "
          + "second) keeps its newest half; the older part moves to <process>.log.1. The journal has its own limits.",
        type: .integer, defaultValue: .number(Double(PoolConfig.defaultLogMaxBytes)), numberRule: .logSize)
    case .name:
      ConfigKeyInfo(
        "The pool's name: the unit <name>.slice and the prefix of every unit.", type: .string,
        defaultValue: .string(PoolConfig.defaultName))
    case .orphanPatterns:
      ConfigKeyInfo(
        "Patterns matching the pool's processes when they run outside its units.", type: .stringArray,
        defaultValue: .strings(PoolConfig.defaultOrphanPatterns))
    case .processes:
      ConfigKeyInfo(
        "The processes, keyed by name.", type: .objectMap(keys: ProcessKey.names), isRequired: true)
    case .sandbox:
      SandboxKey.valueInfo("The hardening of every process that does not set its own.")
    }
  }
}
