import Foundation
import ProcessConfig

/// Compiles a validated pool into systemd units.
///
/// Pure apart from the questions it asks `CompileOptions.fileSystem`: the same
/// pool and options always give the same units, in the same order.
public struct UnitCompiler: Sendable {
  /// Machine facts the compile depends on.
  public var options: CompileOptions

  /// Creates a compiler.
  public init(options: CompileOptions) {
    self.options = options
  }

  /// Compiles `pool`; throws every problem found (unresolvable commands, missing folders) at once.
  public func compile(_ pool: PoolConfig) throws(ConfigError) -> CompiledPool {
    try compile(try resolve(pool))
  }

  /// Resolves every process's folder and executable and checks the files the config names
  /// (`fileSystem`, `searchPath`), so that all problems are reported together and nothing is
  /// emitted for a broken pool. The manager's facts in `options` are not read: the result
  /// serves any manager.
  public func resolve(_ pool: PoolConfig) throws(ConfigError) -> ResolvedPool {
    var resolvedProcesses: [ResolvedPool.Process] = []
    var diagnostics: [ConfigDiagnostic] = []
    // Pools share a few folders and interpreters among many processes: resolve each once.
    var folders: [String: (path: String, exists: Bool)] = [:]
    var executables: [String: Result<String, ExecutableResolver.Problem>] = [:]
    let resolver = ExecutableResolver(fileSystem: options.fileSystem, searchPath: options.searchPath)
    for name in pool.topologicalOrder() {
      let process = pool.processes[name]!
      let path = ConfigPath.root.appending("processes").appending(name)
      let folder =
        folders[process.cwd]
        ?? {
          let absolute = process.resolvedWorkingDirectory(base: pool.baseDirectory)
          let entry = (absolute, options.fileSystem.isDirectory(absolute))
          folders[process.cwd] = entry
          return entry
        }()
      let workingDirectory = folder.path
      if !folder.exists {
        diagnostics.append(
          ConfigDiagnostic(
            file: pool.file, path: path.appending("cwd"),
            message: "working directory \"\(workingDirectory)\" does not exist"))
      }
      if let problem = UnitFileSyntax.unrepresentablePathProblem(workingDirectory) {
        diagnostics.append(ConfigDiagnostic(file: pool.file, path: path.appending("cwd"), message: problem))
      }
      let key = process.command[0] + "\u{0}" + workingDirectory
      let resolved =
        executables[key]
        ?? {
          let result = resolver.resolve(process.command[0], workingDirectory: workingDirectory)
          executables[key] = result
          return result
        }()
      switch resolved {
      case .success(let executable):
        resolvedProcesses.append(
          ResolvedPool.Process(spec: process, workingDirectory: workingDirectory, executable: executable))
      case .failure(let problem):
        diagnostics.append(
          ConfigDiagnostic(
            file: pool.file, path: path.appending("command").appending(0), message: problem.message))
      }
    }
    diagnostics += ReferencedFiles.problems(pool, fileSystem: options.fileSystem)
    guard diagnostics.isEmpty else { throw ConfigError(diagnostics: diagnostics) }
    return ResolvedPool(pool: pool, processes: resolvedProcesses)
  }

  /// Binds a resolved pool to this compiler's manager facts (log folder or journal, version,
  /// bus address): the units, without asking the file system again. Throws when a line of a
  /// unit would be longer than systemd reads (`UnitFileLimits`), which the bound paths decide.
  public func compile(_ resolved: ResolvedPool) throws(ConfigError) -> CompiledPool {
    let pool = resolved.pool
    let names = UnitNames(pool: pool.name)
    let contexts = resolved.processes.map { process in
      MappingContext(
        pool: pool, names: names, options: options, process: process.spec,
        workingDirectory: process.workingDirectory, executable: process.executable)
    }

    let health = HealthMapper.healthUnit(contexts)
    let logCap = LogCapMapper.unit(contexts, hasHealth: health != nil)
    let helpers = [health, logCap].compactMap { $0 }
    var units = [
      Self.slice(pool: pool, names: names),
      Self.target(pool: pool, names: names, helpers: helpers.map(\.name), wantedBy: options.wantedBy),
    ]
    for context in contexts {
      // A process's socket comes before its service: it must listen when the service starts.
      if let socket = SocketMapper.unit(context) { units.append(socket) }
      units.append(Self.service(context))
    }
    // A line systemd would not read fails the whole unit file: refuse it here, with its path.
    let services = units.filter { unit in unit.process.map { unit.name == names.service($0) } ?? false }
    let tooLong = UnitFileLimits.problems(services, pool: pool)
    guard tooLong.isEmpty else { throw ConfigError(diagnostics: tooLong) }
    units += helpers
    var compiled = CompiledPool(poolName: pool.name, units: units)
    if options.logDirectory != nil { compiled.logNames = LogCapMapper.logNames(contexts, hasHealth: health != nil) }
    return compiled
  }

  /// The service of one process: every mapper's contribution, in a fixed order.
  static func service(_ context: MappingContext) -> UnitDefinition {
    var mapped = MappedSettings()
    for mapper in [DependencyMapper.map, HealthMapper.map, RestartMapper.map, ExecMapper.map, StopMapper.map, LimitsMapper.map, SandboxMapper.map] {
      mapped.append(mapper(context))
    }
    // Keep [Unit] keys grouped in a readable order whichever mapper produced them.
    let unitOrder = ["Description", "PartOf", "Requires", "After", "Wants", "StartLimitIntervalSec", "StartLimitBurst"]
    let unitSettings = mapped.unit.enumerated().sorted { lhs, rhs in
      let left = unitOrder.firstIndex(of: lhs.element.key) ?? unitOrder.count
      let right = unitOrder.firstIndex(of: rhs.element.key) ?? unitOrder.count
      return left == right ? lhs.offset < rhs.offset : left < right
    }.map(\.element)
    return UnitDefinition(
      name: context.names.service(context.process.name), kind: .service, process: context.process.name,
      sections: [UnitSection("Unit", unitSettings), UnitSection("Service", mapped.service)])
  }

  /// The pool's slice: one cgroup subtree holding every process of the pool.
  static func slice(pool: PoolConfig, names: UnitNames) -> UnitDefinition {
    UnitDefinition(
      name: names.slice, kind: .slice,
      sections: [UnitSection("Unit", [UnitSetting("Description", .string("cgipool \(pool.name) process pool"))])])
  }

  /// The pool's target: wants every process, so one start or stop reaches them all.
  static func target(pool: PoolConfig, names: UnitNames, helpers: [String], wantedBy: String) -> UnitDefinition {
    // The helper units too, so `systemctl start <pool>.target` starts the liveness checks and
    // the log cap.
    let services =
      pool.topologicalOrder().flatMap { process in
        (pool.processes[process]!.listen.isEmpty ? [] : [names.socket(process)]) + [names.service(process)]
      } + helpers
    return UnitDefinition(
      name: names.target, kind: .target,
      sections: [
        UnitSection(
          "Unit",
          [
            UnitSetting("Description", .string("cgipool \(pool.name) process pool")),
            UnitSetting("Wants", .unitNames(services)),
          ]),
        UnitSection("Install", [UnitSetting.fileOnly("WantedBy", .unitNames([wantedBy]))]),
      ])
  }

}
