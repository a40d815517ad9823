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
    compileUnits: Bool = true
  ) throws -> RuntimeSession? {
    let pool = try config.load()
    if let unknown = pool.unknownProcessesMessage(processes) { throw ValidationError(unknown) }
    // Compile before touching any manager, so an invalid pool starts nothing.
    let logDirectory = LogLocation.directory(pool: pool.name)
    if compileUnits {
      _ = try compile(pool, config: config, logDirectory: logDirectory, version: nil, busAddress: nil)
    }
    let located: ManagerLocator.Located
    do {
      guard let found = try manager.locator(pool: pool.name).locate(startPrivate: startPrivate) else { return nil }
      located = found
    } catch {
      printError("error: \(error)")
      throw ExitCode.failure
    }
    let busAddress = located.endpoint.kind == .system || located.endpoint.kind == .user ? nil : located.endpoint.address
    // Where journald runs for this manager, output goes to the journal (no StandardOutput=),
    // else to one file per process.
    let journal = JournalLocation.detect(kind: located.endpoint.kind)
    let unitLogDirectory = journal == nil ? logDirectory : nil
    let compiled =
      compileUnits
      ? try compile(
        pool, config: config, logDirectory: unitLogDirectory, journalOutput: journal != nil,
        version: Int(located.version.prefix { $0.isNumber }), busAddress: busAddress)
      : CompiledPool(poolName: pool.name, units: [])
    let runtime = PoolRuntime(
      pool: pool, compiled: compiled,
      manager: BusSystemdManager(manager: located.manager, description: located.description),
      logDirectory: unitLogDirectory, journal: journal)
    return RuntimeSession(pool: pool, located: located, runtime: runtime)
  }

  /// Compiles `pool` for this machine; exits 65 with every problem when it cannot.
  static func compile(
    _ pool: PoolConfig, config: ConfigOptions, logDirectory: String?, journalOutput: Bool = false, version: Int?,
    busAddress: String?
  ) throws -> CompiledPool {
    let options = CompileOptions(
      probeExecutable: Executable.path,
      searchPath: ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
      logDirectory: logDirectory, journalOutput: journalOutput, managerVersion: version, busAddress: busAddress)
    do {
      return try UnitCompiler(options: options).compile(pool)
    } catch {
      Diagnostics.report(error, file: config.path)
      throw ExitCode(65)
    }
  }
}
