import ArgumentParser
import CgiPoolRuntime
import Foundation
import ProcessConfig
import UnitCompiler

#if canImport(Glibc)
  import Glibc
#endif

/// What `install` and `uninstall` do, with their output: plans from `InstallPlanner`, carried
/// out by `InstallExecutor`, the pool stopped and started through the runtime.
enum InstallRunner {
  /// `cgipool install` as unit files.
  static func installUnitFiles(config: ConfigOptions, layout: InstallLayout, now: Bool, dryRun: Bool, force: Bool) throws {
    try requireRoot(layout, dryRun: dryRun, doing: "installing for the system manager")
    let located = dryRun ? nil : try connect(layout)
    let pool = try config.load()
    let version = located.flatMap { Int($0.version.prefix { $0.isNumber }) }
    let units = try render(pool, config: config, probe: layout.binary, wantedBy: layout.wantedBy, version: version, configFile: layout.configCopy(pool: pool.name), scope: layout.scope)
    let copy = try relocatedConfig(pool, config: config)
    let planner = InstallPlanner(layout: layout, force: force)
    let steps: [InstallStep]
    do {
      steps = try planner.binarySteps(try binarySource())
        + planner.unitFileSteps(.init(name: pool.name, source: config.path, config: copy, units: units))
    } catch {
      printError("error: \(error)")
      throw ExitCode.failure
    }
    let what = "pool \(pool.name) as unit files for the \(layout.scope.rawValue) manager"
    if dryRun {
      print("would install \(what):")
      for step in steps { print("  \(step)") }
      if now { print("  start \(UnitNames(pool: pool.name).target) and wait until every process is healthy") }
      return
    }
    print("installing \(what)")
    try perform(steps, manager: located!)
    print("installed \(units.count) units in \(layout.unitDirectory); \(UnitNames(pool: pool.name).target) is enabled (WantedBy=\(layout.wantedBy))")
    print("config copy: \(layout.configCopy(pool: pool.name)) (the processes still run in their cwd: \(workingDirectories(pool)))")
    if now { try startInstalled(pool: pool.name, layout: layout) }
  }

  /// `cgipool install --generator [--config F]`.
  static func installGenerator(config: ConfigOptions, explicitConfig: Bool, now: Bool, dryRun: Bool, force: Bool) throws {
    let layout = InstallLayout.system
    try requireRoot(layout, dryRun: dryRun, doing: "installing the generator")
    var pool: PoolConfig?
    var entry: (name: String, config: String)?
    if explicitConfig {
      let loaded = try config.load()
      // Compile now, so a config that cannot start is refused here rather than failing at boot.
      _ = try render(loaded, config: config, probe: layout.binary, wantedBy: layout.wantedBy, version: nil, configFile: config.path, scope: layout.scope)
      pool = loaded
      entry = (loaded.name, try relocatedConfig(loaded, config: config))
    }
    let planner = InstallPlanner(layout: layout, force: force)
    let steps: [InstallStep]
    do {
      steps = try planner.binarySteps(try binarySource()) + planner.generatorSteps(pool: entry)
    } catch {
      printError("error: \(error)")
      throw ExitCode.failure
    }
    if dryRun {
      print("would install the generator \(InstallLayout.generator)\(pool.map { " with pool \($0.name)" } ?? ""):")
      for step in steps { print("  \(step)") }
      return
    }
    let located = try connect(layout)
    print("installing the generator \(InstallLayout.generator)")
    try perform(steps, manager: located)
    if let pool {
      print("pool \(pool.name): \(InstallLayout.generatorConfig(pool: pool.name)), generated into \(InstallLayout.generatorOutput) at every boot and daemon-reload")
      if now { try startInstalled(pool: pool.name, layout: layout) }
    } else {
      print("add pools by copying a config to \(InstallLayout.generatorConfigDirectory)/<pool>.json, then `systemctl daemon-reload`")
    }
  }

  /// `cgipool uninstall` of one pool, whichever way it was installed.
  static func uninstall(pool: String, scope: InstallScopeOptions, dryRun: Bool) throws {
    let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
    let candidates: [InstallLayout] =
      scope.system ? [.system] : scope.user ? [InstallLayout(scope: .user, home: home)] : [.system, InstallLayout(scope: .user, home: home)]
    if let layout = candidates.first(where: { FileManager.default.fileExists(atPath: $0.manifest(pool: pool)) }) {
      try uninstallUnitFiles(pool: pool, layout: layout, dryRun: dryRun)
      return
    }
    let planner = InstallPlanner(layout: .system)
    let configs = scope.user ? [] : planner.generatorConfigs(of: pool)
    guard !configs.isEmpty else {
      printError(
        "error: pool \(pool) is not installed: no \(candidates.map { $0.manifest(pool: pool) }.joined(separator: " or ")), "
          + "and no config of it in \(InstallLayout.generatorConfigDirectory)")
      throw ExitCode.failure
    }
    let steps = planner.generatedPoolUninstallSteps(pool: pool)
    if dryRun {
      print("would uninstall pool \(pool) (generated from \(configs.joined(separator: ", "))):")
      print("  stop every unit of \(pool)")
      for step in steps { print("  \(step)") }
      return
    }
    try requireRoot(.system, dryRun: false, doing: "uninstalling a generated pool")
    let located = try connect(.system)
    try stopPool(pool, configFile: configs[0], layout: .system, located: located)
    try perform(steps, manager: located)
    try resetFailed(pool: pool, extra: configs.map(InvalidConfigUnit.name(forFile:)), located: located)
    print("uninstalled pool \(pool)")
  }

  /// Uninstalls a pool installed as unit files in `layout`.
  static func uninstallUnitFiles(pool: String, layout: InstallLayout, dryRun: Bool) throws {
    let planner = InstallPlanner(layout: layout)
    let steps: [InstallStep]
    do {
      steps = try planner.uninstallSteps(pool: pool)
    } catch {
      printError("error: \(error)")
      throw ExitCode.failure
    }
    if dryRun {
      print("would uninstall pool \(pool) from the \(layout.scope.rawValue) manager:")
      print("  stop every unit of \(pool)")
      for step in steps { print("  \(step)") }
      return
    }
    try requireRoot(layout, dryRun: false, doing: "uninstalling from the system manager")
    let located = try connect(layout)
    try stopPool(pool, configFile: layout.configCopy(pool: pool), layout: layout, located: located)
    try perform(steps, manager: located)
    try resetFailed(pool: pool, extra: [], located: located)
    print("uninstalled pool \(pool)")
  }

  /// `cgipool uninstall --generator`.
  static func uninstallGenerator(dryRun: Bool) throws {
    let planner = InstallPlanner(layout: .system)
    let steps: [InstallStep]
    do {
      steps = try planner.generatorUninstallSteps()
    } catch {
      printError("error: \(error)")
      throw ExitCode.failure
    }
    if dryRun {
      print("would uninstall the generator:")
      for step in steps { print("  \(step)") }
      return
    }
    try requireRoot(.system, dryRun: false, doing: "uninstalling the generator")
    let located = try connect(.system)
    try perform(steps, manager: located)
    // Failing units of invalid configs stay listed (failed, file gone) until reset.
    try resetFailed(patterns: [InvalidConfigUnit.pattern], extra: [], located: located)
    print("uninstalled the generator")
  }

  // MARK: - Pieces

  static func requireRoot(_ layout: InstallLayout, dryRun: Bool, doing what: String) throws {
    if layout.scope == .system && !dryRun && geteuid() != 0 {
      printError("error: \(what) needs root")
      throw ExitCode.failure
    }
  }

  /// Connects to the manager of `layout`, saying clearly when there is none.
  static func connect(_ layout: InstallLayout) throws -> ManagerLocator.Located {
    do {
      guard let located = try ManagerLocator(selection: InstallScopeOptions.selection(layout)).locate(startPrivate: false) else {
        throw ManagerError.noManagerRunning
      }
      return located
    } catch {
      if layout.scope == .user {
        printError("error: there is no user manager for \(NSUserName()) to install into (\(error)); log in with a systemd session, or `loginctl enable-linger`")
      } else {
        printError("error: cannot reach the system manager: \(error); install needs a host booted with systemd")
      }
      throw ExitCode.failure
    }
  }

  /// The running binary and its templates folder.
  static func binarySource() throws -> InstallPlanner.BinarySource {
    guard let templates = Executable.defaultTemplatesDirectory() else {
      printError("error: no templates folder found beside \(Executable.path); set CGIPOOL_TEMPLATES")
      throw ExitCode.failure
    }
    // Completions and the man page come from this binary's own command definitions.
    var shellFiles: [InstallLayout.ShellFile: String] = [
      .bash: CgiPool.completionScript(for: .bash), .zsh: CgiPool.completionScript(for: .zsh),
      .fish: CgiPool.completionScript(for: .fish),
    ]
    shellFiles[.manual] = ManualPage.render(try GenerateManual.commandHelp(), extraSections: GenerateManual.extraSections)
    return InstallPlanner.BinarySource(binary: Executable.path, templates: templates, shellFiles: shellFiles)
  }

  /// The pool's unit files, probes running `probe`; exits 65 when the pool cannot compile.
  static func render(
    _ pool: PoolConfig, config: ConfigOptions, probe: String, wantedBy: String, version: Int?, configFile: String,
    scope: InstallLayout.Scope
  ) throws -> [(name: String, text: String)] {
    var options = CompileOptions(
      probeExecutable: probe,
      searchPath: ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
      journalOutput: true, managerVersion: version)
    options.wantedBy = wantedBy
    // A user's own manager (not root's) cannot apply the whole sandbox: see SandboxMapper.
    options.unprivilegedManager = scope == .user && geteuid() != 0
    let compiled: CompiledPool
    do {
      compiled = try UnitCompiler(options: options).compile(pool)
    } catch {
      Diagnostics.report(error, file: config.path)
      throw ExitCode(65)
    }
    guard let folder = Executable.defaultTemplatesDirectory() else {
      printError("error: no templates folder found; set CGIPOOL_TEMPLATES")
      throw ExitCode.failure
    }
    do {
      return try UnitFileRenderer(templatesDirectory: folder).renderAll(compiled, configFile: configFile)
    } catch {
      printError("error: \(error)")
      throw ExitCode.failure
    }
  }

  /// The config's text with its relative paths made absolute.
  static func relocatedConfig(_ pool: PoolConfig, config: ConfigOptions) throws -> String {
    guard let data = FileManager.default.contents(atPath: config.path) else {
      printError("error: cannot read \(config.path)")
      throw ExitCode.failure
    }
    do {
      return try ConfigRelocation.absolutized(Array(data), baseDirectory: pool.baseDirectory, file: config.path)
    } catch {
      Diagnostics.report(error, file: config.path)
      throw ExitCode(65)
    }
  }

  /// The distinct working folders of the pool, for the note that they are still needed.
  static func workingDirectories(_ pool: PoolConfig) -> String {
    let folders = Set(pool.processes.values.map { spec in
      ((spec.cwd.hasPrefix("/") ? spec.cwd : pool.baseDirectory + "/" + spec.cwd) as NSString).standardizingPath
    })
    return folders.sorted().joined(separator: ", ")
  }

  static func perform(_ steps: [InstallStep], manager located: ManagerLocator.Located) throws {
    let executor = InstallExecutor(manager: BusSystemdManager(manager: located.manager, description: located.description))
    do {
      try executor.perform(steps) { step in print("  \(step)") }
    } catch {
      printError("error: \(error)")
      throw ExitCode.failure
    }
  }

  /// Starts the installed pool as `cgipool start` does, from the installed config.
  static func startInstalled(pool: String, layout: InstallLayout) throws {
    let file = FileManager.default.fileExists(atPath: layout.configCopy(pool: pool))
      ? layout.configCopy(pool: pool) : InstallLayout.generatorConfig(pool: pool)
    let start = try Start.parse(["--config", file, layout.scope == .system ? "--system" : "--user"])
    try start.run()
  }

  /// Stops every unit of the pool (as `cgipool stop` does) before its files go.
  static func stopPool(_ pool: String, configFile: String, layout: InstallLayout, located: ManagerLocator.Located) throws {
    let config: PoolConfig
    do {
      config = try ConfigLoader.load(file: configFile)
    } catch {
      printError("warning: \(configFile) is unreadable or invalid; stopping \(pool)'s units by name")
      try stopByName(pool, located: located)
      return
    }
    let runtime = PoolRuntime(
      pool: config, compiled: CompiledPool(poolName: pool, units: []),
      manager: BusSystemdManager(manager: located.manager, description: located.description), logDirectory: nil)
    do {
      let report = try runtime.stop()
      for result in report.results { print(StopOutput.line(result)) }
      guard report.nothingLeft else {
        printError("error: processes survived the stop (see above); nothing was removed")
        throw ExitCode.failure
      }
    } catch let error as SystemdError {
      printError("error: stopping \(pool) failed: \(error)")
      throw ExitCode.failure
    }
  }

  /// Stops the pool's units found by name (when its config is gone).
  static func stopByName(_ pool: String, located: ManagerLocator.Located) throws {
    let manager = BusSystemdManager(manager: located.manager, description: located.description)
    do {
      let units = try manager.listUnits(patterns: UnitNames(pool: pool).patterns)
      for unit in units { _ = try manager.stopUnit(unit) }
    } catch {
      printError("error: stopping \(pool) failed: \(error)")
      throw ExitCode.failure
    }
  }

  /// Clears the failed state of the pool's units, so no unit of it is left listed.
  static func resetFailed(pool: String, extra: [String], located: ManagerLocator.Located) throws {
    try resetFailed(patterns: UnitNames(pool: pool).patterns, extra: extra, located: located)
  }

  /// Clears the failed state of the units matching `patterns`, and of `extra`.
  static func resetFailed(patterns: [String], extra: [String], located: ManagerLocator.Located) throws {
    let manager = BusSystemdManager(manager: located.manager, description: located.description)
    let units = ((try? manager.listUnits(patterns: patterns)) ?? []) + extra
    for unit in units { try? manager.resetFailedUnit(unit) }
  }
}
