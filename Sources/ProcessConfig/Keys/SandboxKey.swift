/// The keys of a `sandbox` object (top level or in a process).
public enum SandboxKey: String, ConfigKey {
  /// `capabilities`: the capabilities the process keeps.
  case capabilities
  /// `dynamic_user`: a throw-away user allocated by systemd.
  case dynamicUser = "dynamic_user"
  /// `level`: strict, default or none.
  case level
  /// `memory_deny_write_execute`: false for a JIT.
  case memoryDenyWriteExecute = "memory_deny_write_execute"
  /// `user`: the user the process runs as.
  case user
  /// `writable`: paths the process may write.
  case writable

  /// The key described as data.
  public var info: ConfigKeyInfo {
    let sandbox = Sandbox()
    switch self {
    case .capabilities:
      return ConfigKeyInfo(
        "Capabilities the process keeps (CAP_NET_BIND_SERVICE, ...).", type: .stringArray,
        defaultValue: .strings(sandbox.capabilities.map(\.name)), allowedValues: Capability.names)
    case .dynamicUser:
      return ConfigKeyInfo(
        "Run as a throw-away user systemd allocates (DynamicUser=).", type: .boolean,
        defaultValue: .bool(sandbox.dynamicUser))
    case .level:
      return ConfigKeyInfo(
        "How much is taken away.", type: .string, defaultValue: .string(sandbox.level.rawValue),
        allowedValues: SandboxLevel.allCases.map(\.rawValue))
    case .memoryDenyWriteExecute:
      return ConfigKeyInfo(
        "Refuse writable and executable memory; false for a JIT.", type: .boolean,
        defaultValue: .bool(sandbox.memoryDenyWriteExecute))
    case .user:
      return ConfigKeyInfo("The user the process runs as (User=); absent: the manager's user.", type: .string, defaultValue: .null)
    case .writable:
      return ConfigKeyInfo(
        "Paths the process may write, relative to the config's folder.", type: .stringArray,
        defaultValue: .strings(sandbox.writable))
    }
  }

  /// The description of a `sandbox` value: a level name, or an object of these keys.
  static func valueInfo(_ summary: String) -> ConfigKeyInfo {
    ConfigKeyInfo(
      summary + " A level (" + SandboxLevel.allCases.map(\.rawValue).joined(separator: ", ") + ") or an object.",
      type: .stringOrObject(keys: names), defaultValue: .string(Sandbox().level.rawValue),
      allowedValues: SandboxLevel.allCases.map(\.rawValue))
  }
}
