/// A validated process pool: the whole of one `process_config.json`.
///
/// Instances come only from `ConfigLoader`, so every `PoolConfig` a caller
/// holds has passed validation: names are unit-safe, dependencies resolve and
/// form no cycle.
public struct PoolConfig: Sendable, Equatable {
  /// The default pool name, which prefixes every unit.
  public static let defaultName = "cgipool"

  /// The orphan patterns of the original system, used when the config names none.
  public static let defaultOrphanPatterns = [
    "*.cgi",
    "sample_*_cgi.py",
    "dotnet-script *.csx",
    "pool/manager.py",
    "dotnet run *8080",
  ]

  /// The pool's name (top-level `name`), the prefix of every unit name.
  public var name: String
  /// The processes, keyed by name.
  public var processes: [String: ProcessSpec]
  /// Patterns that identify the pool's processes when they run outside its units.
  public var orphanPatterns: [String]
  /// The top-level `build`: an argv the operator scripts run before starting with `--build`; `nil` if none.
  public var buildCommand: [String]?
  /// The pool's default hardening (top-level `sandbox`); each process's own is in `ProcessSpec.sandbox`.
  public var sandbox: Sandbox
  /// The config file as the user named it (used in diagnostics and headers).
  public var file: String
  /// The absolute folder of the config file; relative `cwd`s resolve against it.
  public var baseDirectory: String
  /// Remote machines by name (top-level `hosts`), each `[USER@]HOST[:PORT]`.
  public var hosts: [String: String] = [:]
  /// The size each log file is kept below where output goes to files (top-level `log_max_bytes`).
  public var logMaxBytes: Int64 = PoolConfig.defaultLogMaxBytes
  /// The processes as the config declares them, before replicas are expanded into instances
  /// (`PoolConfig+Replicas.swift`); empty for a pool built by hand, whose `processes` are its own.
  public var declaredProcesses: [String: ProcessSpec] = [:]

  /// `log_max_bytes` when the config does not say: 10 MiB.
  public static let defaultLogMaxBytes: Int64 = 10 * 1024 * 1024

  /// The name a process's `host` may use for this machine, and status shows for it.
  public static let localHostName = "local"

  /// Creates a pool from already validated parts.
  public init(
    name: String = PoolConfig.defaultName,
    processes: [String: ProcessSpec],
    orphanPatterns: [String] = PoolConfig.defaultOrphanPatterns,
    file: String,
    baseDirectory: String,
    buildCommand: [String]? = nil,
    sandbox: Sandbox = Sandbox()
  ) {
    self.name = name
    self.processes = processes
    self.orphanPatterns = orphanPatterns
    self.buildCommand = buildCommand
    self.sandbox = sandbox
    self.file = file
    self.baseDirectory = baseDirectory
  }

  /// Process names in stable (lexicographic) order.
  public var processNames: [String] { processes.keys.sorted(by: PoolConfig.namePrecedes) }
}
