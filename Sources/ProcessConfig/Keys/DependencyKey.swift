/// The keys of a `depends_on` entry written as an object.
public enum DependencyKey: String, ConfigKey {
  /// `condition`: what the dependency must have reached.
  case condition
  /// `process`: the process depended on.
  case process
  /// `restart`: whether the dependency's restarts and stops reach this process.
  case restart

  /// The key described as data.
  public var info: ConfigKeyInfo {
    switch self {
    case .condition:
      ConfigKeyInfo(
        "When the dependency counts as ready: healthy (its health check passed), started, or completed_successfully.",
        type: .string, defaultValue: .string(Dependency.Condition.healthy.rawValue),
        allowedValues: Dependency.Condition.allCases.map(\.rawValue))
    case .process:
      ConfigKeyInfo("The process depended on.", type: .string, isRequired: true)
    case .restart:
      ConfigKeyInfo(
        "Whether a restart or stop of the dependency restarts or stops this process too.", type: .boolean,
        defaultValue: .bool(false))
    }
  }
}
