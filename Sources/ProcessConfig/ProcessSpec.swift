/// One process of the pool, with every optional field filled with its default.
public struct ProcessSpec: Sendable, Equatable {
  /// Default seconds systemd waits after SIGTERM before SIGKILL.
  public static let defaultStopTimeout: Double = 10
  /// Default seconds systemd waits before restarting the process.
  public static let defaultRestartDelay: Double = 1
  /// Default seconds a process without a health check must stay up to count as started.
  public static let defaultSettleTime: Double = 1

  /// The process name (the key under `processes`).
  public var name: String
  /// The argv, exactly as the config holds it; `command[0]` may be relative or bare.
  public var command: [String]
  /// The working directory as written in the config (relative to the config's folder).
  public var cwd: String
  /// Extra environment variables.
  public var env: [String: String]
  /// Files of `NAME=value` lines systemd reads at every start (`env_file`), in the config's order.
  public var envFiles: [EnvironmentFile] = []
  /// Secrets by name (`credentials`): the file each is loaded from, as written (relative to the
  /// config's folder). The process reads `$CREDENTIALS_DIRECTORY/<name>`.
  public var credentials: [String: String] = [:]
  /// What systemd does when the process ends.
  public var restartPolicy: RestartPolicy
  /// Seconds to wait after the start before the first health probe.
  public var startupDelay: Double
  /// The processes this one depends on, each with its condition, in config order.
  public var dependencies: [Dependency]
  /// How readiness and liveness are checked; `nil` means "running is healthy".
  public var healthCheck: HealthCheck?
  /// Seconds between the stop signal and SIGKILL on stop.
  public var stopTimeout: Double
  /// The signal that asks it to stop (`stop_signal`).
  public var stopSignal: StopSignal = .term
  /// Seconds between the process ending and its restart (`restart_delay`).
  public var restartDelay: Double
  /// The machine it runs on: a name from the pool's `hosts`; nil for this machine.
  public var host: String?
  /// Seconds a process without a health check must stay up before `start` calls it up
  /// (`settle_time`, like supervisord's `startsecs`); 0 turns the wait off.
  public var settleTime: Double = ProcessSpec.defaultSettleTime
  /// How the process tells systemd it has started (`type`).
  public var type: ProcessType = .simple
  /// Where a forking process writes its daemon's PID, as written (relative to `cwd`); nil: none.
  public var pidFile: String?
  /// The process's hardening: its `sandbox` over the pool's.
  public var sandbox: Sandbox
  /// The resources systemd caps for the process (`limits`); empty: unlimited.
  public var limits = Limits()
  /// How many instances run (`replicas`, 1...1000); 1: one unit, as without the key.
  public var replicas = 1
  /// The replicated process this spec is one instance of (`web` for `web@2`); nil for a
  /// process as declared.
  public var replicaOf: String?
  /// This instance's number, 1...N; nil for a process as declared.
  public var replica: Int?
  /// Addresses systemd holds for the process (`listen`), in config order; empty: none.
  public var listen: [ListenAddress] = []

  /// Whether `start` waits `settleTime` before calling the process up: a health check is the
  /// better proof, and a `restart_policy: no` process's successful exit is its completion.
  public var settles: Bool { settleTime > 0 && healthCheck == nil && restartPolicy != .no }

  /// Creates a process description; defaults match the documented config defaults.
  public init(
    name: String,
    command: [String],
    cwd: String = ".",
    env: [String: String] = [:],
    restartPolicy: RestartPolicy = .onFailure,
    startupDelay: Double = 0,
    dependsOn: [String] = [],
    healthCheck: HealthCheck? = nil,
    stopTimeout: Double = ProcessSpec.defaultStopTimeout,
    restartDelay: Double = ProcessSpec.defaultRestartDelay,
    sandbox: Sandbox = Sandbox()
  ) {
    self.name = name
    self.command = command
    self.cwd = cwd
    self.env = env
    self.restartPolicy = restartPolicy
    self.startupDelay = startupDelay
    self.dependencies = dependsOn.map { Dependency(process: $0) }
    self.healthCheck = healthCheck
    self.stopTimeout = stopTimeout
    self.restartDelay = restartDelay
    self.sandbox = sandbox
  }
}
