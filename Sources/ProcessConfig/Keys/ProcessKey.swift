/// The keys of one process under `processes`.
public enum ProcessKey: String, ConfigKey {
  /// `command`: the argv.
  case command
  /// `credentials`: secrets loaded from files, by name.
  case credentials
  /// `cwd`: the working directory.
  case cwd
  /// `depends_on`: processes started and healthy first.
  case dependsOn = "depends_on"
  /// `env`: extra environment variables.
  case env
  /// `env_file`: files of environment variables, read at every start.
  case envFile = "env_file"
  /// `health_check`: readiness and liveness.
  case healthCheck = "health_check"
  /// `host`: the machine the process runs on, a name from the pool's `hosts`.
  case host
  /// `limits`: memory, CPU, tasks and open files systemd caps.
  case limits
  /// `listen`: addresses systemd binds and holds for the process (a `.socket` unit).
  case listen
  /// `pid_file`: where a forking process writes its daemon's PID.
  case pidFile = "pid_file"
  case replicas
  /// `restart_delay`: seconds before a restart.
  case restartDelay = "restart_delay"
  /// `restart_policy`: when systemd restarts the process.
  case restartPolicy = "restart_policy"
  /// `sandbox`: the process's hardening, over the pool's.
  case sandbox
  /// `settle_time`: seconds a process without a health check must stay up to count as started.
  case settleTime = "settle_time"
  /// `startup_delay`: seconds before the first probe.
  case startupDelay = "startup_delay"
  /// `stop_signal`: the signal that asks the process to stop.
  case stopSignal = "stop_signal"
  /// `stop_timeout`: seconds from the stop signal to SIGKILL.
  case stopTimeout = "stop_timeout"
  /// `type`: `simple` (stays in the foreground) or `forking` (daemonizes).
  case type

  /// The key described as data.
  public var info: ConfigKeyInfo {
    switch self {
    case .command:
      ConfigKeyInfo("The program and its arguments.", type: .argv, isRequired: true)
    case .credentials:
      ConfigKeyInfo(
        "Secrets by name, each loaded from a file (relative to the config's folder) by systemd's LoadCredential=; the process reads $CREDENTIALS_DIRECTORY/<name>.",
        type: .stringMap, defaultValue: .emptyObject)
    case .cwd:
      ConfigKeyInfo(
        "The working directory, relative to the config's folder.", type: .string, defaultValue: .string("."))
    case .dependsOn:
      ConfigKeyInfo(
        "Processes started first: names (healthy first, no restart propagation) or {process, condition, restart} objects.",
        type: .stringOrObjectArray(keys: DependencyKey.names), defaultValue: .strings([]))
    case .env:
      ConfigKeyInfo("Extra environment variables.", type: .stringMap, defaultValue: .emptyObject)
    case .envFile:
      ConfigKeyInfo(
        "A file of NAME=value lines, or an array of them, read at every start and restart (EnvironmentFile=); relative to the config's folder; a leading '-' skips a missing file.",
        type: .stringOrStringArray, defaultValue: .strings([]))
    case .healthCheck:
      ConfigKeyInfo(
        "How readiness and liveness are checked; null: running is healthy.",
        type: .object(keys: HealthCheckKey.names), defaultValue: .null)
    case .host:
      ConfigKeyInfo(
        "The machine the process runs on: a name from the pool's hosts; null: this machine.",
        type: .string, defaultValue: .null)
    case .limits:
      ConfigKeyInfo(
        "Resources systemd caps for the process: memory (MemoryMax=), cpu (CPUQuota=), tasks (TasksMax=), nofile (LimitNOFILE=); absent: unlimited.",
        type: .object(keys: LimitsKey.names), defaultValue: .null)
    case .listen:
      ConfigKeyInfo(
        "Addresses systemd binds and holds for the process in <pool>-<process>.socket (\"127.0.0.1:9001\", \"[::1]:9001\", or a Unix socket's absolute path), passed to it as fd 3 and up (LISTEN_FDS, LISTEN_FDNAMES); connections wait in the backlog while it restarts; absent: the process binds its own.",
        type: .stringOrStringArray, defaultValue: .null)
    case .pidFile:
      ConfigKeyInfo(
        "Where a forking process writes its daemon's PID, relative to cwd; only with type forking.",
        type: .string, defaultValue: .null)
    case .replicas:
      ConfigKeyInfo(
        "How many instances run, each its own unit <pool>-<name>@i.service with CGIPOOL_REPLICA=i; {replica}, {replica0} and {replica0:02} in command, env and the health target give each its own values.",
        type: .integer, defaultValue: .number(1), numberRule: .replicas)
    case .settleTime:
      ConfigKeyInfo(
        "Seconds a process without a health check must stay up before start calls it up; 0: no wait.",
        type: .number, defaultValue: .number(ProcessSpec.defaultSettleTime), numberRule: .delay)
    case .type:
      ConfigKeyInfo(
        "simple: the command stays in the foreground; forking: it starts a daemon and exits.", type: .string,
        defaultValue: .string(ProcessType.simple.rawValue), allowedValues: ProcessType.allCases.map(\.rawValue))
    case .restartDelay:
      ConfigKeyInfo(
        "Seconds between the process ending and its restart.", type: .number,
        defaultValue: .number(ProcessSpec.defaultRestartDelay), numberRule: .delay)
    case .restartPolicy:
      ConfigKeyInfo(
        "What systemd does when the process ends.", type: .string,
        defaultValue: .string(RestartPolicy.onFailure.rawValue),
        allowedValues: RestartPolicy.allCases.map(\.rawValue))
    case .sandbox:
      SandboxKey.valueInfo("The process's hardening; its fields override the pool's sandbox one by one.")
    case .startupDelay:
      ConfigKeyInfo(
        "Seconds to wait after the start before the first health probe.", type: .number,
        defaultValue: .number(0), numberRule: .delay)
    case .stopSignal:
      ConfigKeyInfo(
        "The signal sent to the process's whole cgroup to stop it (KillSignal=); SIGKILL follows after stop_timeout.",
        type: .string, defaultValue: .string(StopSignal.term.rawValue), allowedValues: StopSignal.allCases.map(\.rawValue))
    case .stopTimeout:
      ConfigKeyInfo(
        "Seconds between the stop signal and SIGKILL on stop.", type: .number,
        defaultValue: .number(ProcessSpec.defaultStopTimeout), numberRule: .timeout)
    }
  }
}
