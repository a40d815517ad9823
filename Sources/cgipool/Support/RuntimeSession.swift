import ArgumentParser
import CgiPoolRuntime
import Foundation
import ProcessConfig
import UnitCompiler

/// Everything a pool command needs: the validated config, the manager, the compiled units.
struct RuntimeSession {
  /// The validated config.
  let pool: PoolConfig
  /// The manager found (and connected to).
  let located: ManagerLocator.Located
  /// The runtime over that manager.
  let runtime: PoolRuntime

  /// Loads the config, finds the manager and compiles the pool for it.
  ///
  /// Returns `nil` when no manager is running and `startPrivate` is false
  /// (status and stop have nothing to talk to then). Exits 65 on a bad config
  /// before anything is started. `status` and `stop` pass `compileUnits: false`: they only
  /// read and stop units by name, so they skip compiling the pool.
  static func open(
    config: ConfigOptions, manager: ManagerOptions, startPrivate: Bool, processes: [String] = [],
    compileUnits: Bool = true, liveReplicas: Bool = false
  ) throws -> RuntimeSession? {
    var pool = try config.load()
    if let unknown = pool.unknownProcessesMessage(processes) { throw ValidationError(unknown) }
    // Resolve (the manager-independent half of the compile) before touching any manager, so an
    // invalid pool starts nothing; the units are bound to the manager's facts once it is found.
    let resolved = compileUnits ? try resolve(pool, config: config) : nil
    // A dead private manager's processes hold the pool's ports: end them before starting anew.
    if startPrivate { try replaceDeadManager(pool: pool, manager: manager) }
    let located: ManagerLocator.Located
    do {
      guard let found = try manager.locator(pool: pool.name).locate(startPrivate: startPrivate) else { return nil }
      located = found
    } catch {
      printError("error: \(error)")
      throw ExitCode.failure
    }
    // A pool scaled with `cgipool scale` runs another count than its config says: what acts on
    // the running pool (status, stop, restart, scale) sees the instances that run.
    var bound = resolved
    if liveReplicas {
      do {
        let healthState = HealthStateFile(path: HealthStateLocation.file(pool: pool.name, endpoint: located.endpoint))
        pool = try LiveReplicas.pool(
          pool, manager: BusSystemdManager(manager: located.manager, description: located.description),
          recorded: located.endpoint.kind == .remote ? [:] : ScaledReplicasFile(besideHealthState: healthState).read())
      } catch {
        printError("error: \(error)")
        throw ExitCode.failure
      }
      // Other instances than the config's: their units are resolved for the count that runs.
      if bound != nil, bound?.pool != pool { bound = try resolve(pool, config: config) }
    }
    return try session(pool: pool, located: located, config: config, manager: manager, resolved: bound)
  }

  /// The session for `pool` on a manager already found: binds `resolved` (the pool's resolved
  /// half of the compile; nil: no units, for `status` and `stop`) to it (exits 65 when it
  /// cannot) and builds the runtime.
  static func session(
    pool: PoolConfig, located: ManagerLocator.Located, config: ConfigOptions, manager: ManagerOptions,
    resolved: ResolvedPool?
  ) throws -> RuntimeSession {
    let compileUnits = resolved != nil
    let logDirectory = LogLocation.directory(pool: pool.name)
    let busAddress = located.endpoint.kind == .system || located.endpoint.kind == .user ? nil : located.endpoint.address
    // A remote system manager logs to its own journal, which `cgipool logs --host` reads there
    // (over ssh); this side reads neither that journal nor files.
    let remote = located.endpoint.kind == .remote
    let journal = remote ? nil : JournalLocation.detect(kind: located.endpoint.kind)
    let unitLogDirectory = journal == nil && !remote ? logDirectory : nil
    let healthState = HealthStateFile(path: HealthStateLocation.file(pool: pool.name, endpoint: located.endpoint))
    // Where journald runs for this manager, output goes to the journal (no StandardOutput=),
    // else to one file per process.
    let compiled =
      try resolved.map { resolved in
        try bind(
          resolved, config: config, logDirectory: unitLogDirectory, journalOutput: journal != nil || remote,
          version: Int(located.version.prefix { $0.isNumber }), busAddress: busAddress,
          probeExecutable: remote ? RemoteRunner.remoteBinary : Executable.path,
          healthStateDirectory: (healthState.path as NSString).deletingLastPathComponent,
          unprivilegedManager: located.endpoint.kind == .user && geteuid() != 0)
      } ?? CompiledPool(poolName: pool.name, units: [])
    let runtime = PoolRuntime(
      pool: pool, compiled: compiled,
      manager: BusSystemdManager(manager: located.manager, description: located.description),
      logDirectory: unitLogDirectory, journal: journal,
      healthState: healthState)
    if located.endpoint.kind == .privateManager {
      runtime.cgroupRoot = "/" + manager.locator(pool: pool.name).privateManager.cgroupName
    }
    // Only unit files define targets (systemd cannot create one over D-Bus): a loaded
    // <pool>.target with a file means the pool is installed (`cgipool install`, the generator).
    if compileUnits, located.endpoint.kind == .system || located.endpoint.kind == .user {
      runtime.installedTarget = try? runtime.manager.unitFilePath(runtime.names.target)
    }
    return RuntimeSession(pool: pool, located: located, runtime: runtime)
  }

  /// The pool's private manager when it died and left state or processes behind; nil when it
  /// runs, when nothing of it is left, or when an explicit `--system`/`--user`/`--bus` is chosen.
  static func deadManager(pool: PoolConfig, manager: ManagerOptions) -> DeadManager? {
    guard manager.selection == .automatic else { return nil }
    return DeadManager.find(manager.locator(pool: pool.name).privateManager, pool: pool)
  }

  /// Before a start: ends what a dead private manager left running, gracefully (SIGTERM, then
  /// SIGKILL after each stop_timeout), so the new pool replaces it cleanly. Prints what it did.
  static func replaceDeadManager(pool: PoolConfig, manager: ManagerOptions) throws {
    guard let dead = deadManager(pool: pool, manager: manager), !dead.processes.isEmpty else { return }
    print(DeadManagerOutput.headline(dead, pool: pool.name))
    print("ending the \(dead.processes.count) unsupervised process(es) it left running before starting")
    do {
      let report = try dead.end(pool: pool)
      for result in report.results { print(StopOutput.line(result)) }
      guard report.nothingLeft else {
        printError("error: processes of the dead manager survived (see above)")
        throw ExitCode.failure
      }
    } catch let error as ManagerError {
      printError("error: \(error)")
      throw ExitCode.failure
    }
  }

  /// Resolves `pool`'s folders and commands on this machine, and checks its unit-file lines as
  /// `check` does; exits 65 with every problem when it cannot.
  static func resolve(_ pool: PoolConfig, config: ConfigOptions) throws -> ResolvedPool {
    do throws(ConfigError) {
      let tooLong = UnitFileLimits.problems(pool)
      if !tooLong.isEmpty { throw ConfigError(diagnostics: tooLong) }
      return try UnitCompiler(options: options(logDirectory: nil, version: nil, busAddress: nil)).resolve(pool)
    } catch {
      Diagnostics.report(error, file: config.path)
      throw ExitCode(65)
    }
  }

  /// Binds a resolved pool to a manager's facts; exits 65 with every problem when it cannot.
  static func bind(
    _ resolved: ResolvedPool, config: ConfigOptions, logDirectory: String?, journalOutput: Bool = false, version: Int?,
    busAddress: String?, probeExecutable: String = Executable.path, healthStateDirectory: String? = nil,
    unprivilegedManager: Bool = false
  ) throws -> CompiledPool {
    var options = options(
      logDirectory: logDirectory, journalOutput: journalOutput, version: version, busAddress: busAddress,
      probeExecutable: probeExecutable)
    options.healthStateDirectory = healthStateDirectory
    options.unprivilegedManager = unprivilegedManager
    do {
      return try UnitCompiler(options: options).compile(resolved)
    } catch {
      Diagnostics.report(error, file: config.path)
      throw ExitCode(65)
    }
  }

  /// The compile options for this machine with a manager's facts.
  static func options(
    logDirectory: String?, journalOutput: Bool = false, version: Int?, busAddress: String?,
    probeExecutable: String = Executable.path
  ) -> CompileOptions {
    CompileOptions(
      probeExecutable: probeExecutable,
      searchPath: ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
      logDirectory: logDirectory, journalOutput: journalOutput, managerVersion: version, busAddress: busAddress)
  }
}
