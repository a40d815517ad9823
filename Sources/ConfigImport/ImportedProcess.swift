import ProcessConfig

/// One process as an importer built it: the config keys it sets, each `nil` when left to the default.
public struct ImportedProcess: Sendable, Equatable {
  /// The process name (already a valid cgipool name).
  public var name: String
  /// The argv.
  public var command: [String]
  /// `cwd`.
  public var cwd: String?
  /// `env`, in the order the source file gave the variables.
  public var env: [(String, String)] = []
  /// How many instances run (`replicas`); nil: one, the key is not written.
  public var replicas: Int?
  /// `restart_policy`.
  public var restartPolicy: RestartPolicy?
  /// `restart_delay` in seconds.
  public var restartDelay: Double?
  /// `startup_delay` in seconds.
  public var startupDelay: Double?
  /// `stop_timeout` in seconds.
  public var stopTimeout: Double?
  /// `stop_signal`.
  public var stopSignal: StopSignal?
  /// `settle_time` in seconds.
  public var settleTime: Double?
  /// `depends_on`.
  public var dependsOn: [String] = []
  /// `health_check`.
  public var healthCheck: HealthCheck?
  /// Where the source placed the process in its start order (supervisord's `priority`); sorts the output.
  public var order: Int = 0

  /// Creates a process with its command; everything else starts at the default.
  public init(name: String, command: [String]) {
    self.name = name
    self.command = command
  }

  /// Equality over every key (the environment compared in order).
  public static func == (lhs: ImportedProcess, rhs: ImportedProcess) -> Bool {
    lhs.name == rhs.name && lhs.command == rhs.command && lhs.cwd == rhs.cwd
      && lhs.env.map(\.0) == rhs.env.map(\.0) && lhs.env.map(\.1) == rhs.env.map(\.1)
      && lhs.restartPolicy == rhs.restartPolicy && lhs.restartDelay == rhs.restartDelay
      && lhs.startupDelay == rhs.startupDelay && lhs.stopTimeout == rhs.stopTimeout && lhs.stopSignal == rhs.stopSignal
      && lhs.settleTime == rhs.settleTime
      && lhs.dependsOn == rhs.dependsOn && lhs.healthCheck == rhs.healthCheck && lhs.order == rhs.order
  }
}
