import ArgumentParser
import CgiPoolRuntime
import Foundation
import ProcessConfig
import UnitCompiler

extension CgiPool {
  /// `cgipool check`: validates the config and prints the start plan.
  struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "check",
      abstract: "Validate the process config and show the start order.",
      discussion: """
        Reports every problem in the config at once (exit status 65). A valid config prints \
        the pool name, the number of processes and the start levels: each level starts once \
        the previous one is healthy.

        --security also rates each generated service with `systemd-analyze security \
        --offline=true` (0 = nothing exposed, 10 = everything); with --security-threshold N \
        the exit status is 1 when a service is rated above N.
        """
    )

    @OptionGroup var options: ConfigOptions

    @Flag(help: "Rate each generated service's exposure with systemd-analyze security.")
    var security = false

    @Option(help: ArgumentHelp("Exit 1 when a service's exposure is above N (implies --security).", valueName: "N"))
    var securityThreshold: Double?

    func validate() throws {
      if let securityThreshold, !(0...10).contains(securityThreshold) {
        throw ValidationError("--security-threshold must be from 0 to 10.")
      }
    }

    func run() throws {
      let config = try options.load()
      // What systemd would refuse to read: a unit-file line over 1 MiB after escaping.
      // And the files systemd would read at the start: env_file, credentials.
      let problems = UnitFileLimits.problems(config) + ReferencedFiles.problems(config, fileSystem: LocalFileSystem())
      if !problems.isEmpty {
        Diagnostics.report(ConfigError(diagnostics: problems), file: options.path)
        throw ExitCode(65)
      }
      print(Self.summary(of: config), terminator: "")
      guard security || securityThreshold != nil else { return }
      try rateExposure(config)
    }

    /// Prints each service's exposure; fails above the threshold.
    private func rateExposure(_ config: PoolConfig) throws {
      // Compiled as for output in files (the private manager's case), so the log cap unit, which
      // exists only then, is rated too; where the output goes changes no other unit's figure.
      let compileOptions = CompileOptions(
        probeExecutable: Executable.path,
        searchPath: ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
        logDirectory: LogLocation.directory(pool: config.name))
      let compiled: CompiledPool
      do {
        compiled = try UnitCompiler(options: compileOptions).compile(config)
      } catch {
        Diagnostics.report(error, file: options.path)
        throw ExitCode(65)
      }
      guard let folder = Executable.defaultTemplatesDirectory() else {
        printError("error: no templates folder found (set $CGIPOOL_TEMPLATES)")
        throw ExitCode.failure
      }
      let files: [(name: String, text: String)]
      do {
        files = try UnitFileRenderer(templatesDirectory: folder).renderAll(compiled, configFile: options.path)
      } catch {
        printError("error: \(error)")
        throw ExitCode.failure
      }
      let figures: [UnitExposure]
      do {
        figures = try ExposureAudit().rate(files)
      } catch {
        printError("error: \(error)")
        throw ExitCode.failure
      }
      // Each process's service carries its own level; helper units (the health unit) the default at most.
      let names = UnitNames(pool: config.name)
      var notes: [String: String] = [:]
      for unit in compiled.units {
        if let process = unit.process, let spec = config.processes[process] {
          notes[unit.name] = unit.name == names.service(process) ? "sandbox \(spec.sandbox.level.rawValue)" : "helper"
        } else if unit.kind == .service {
          notes[unit.name] = "helper"
        }
      }
      print(Self.exposureTable(figures, notes: notes), terminator: "")
      guard let threshold = securityThreshold else { return }
      let above = figures.filter { $0.level > threshold }
      for figure in above {
        printError("error: \(figure.unit): exposure \(Self.level(figure.level)) is above the threshold \(Self.level(threshold))")
      }
      if !above.isEmpty { throw ExitCode.failure }
    }

    /// The exposure lines: unit, level, systemd's rating and the process's sandbox level.
    static func exposureTable(_ figures: [UnitExposure], notes: [String: String]) -> String {
      let width = max(4, figures.map(\.unit.count).max() ?? 0)
      var text = "security (systemd-analyze security --offline=true; 0 = nothing exposed, 10 = everything):\n"
      for figure in figures {
        let padded = figure.unit.padding(toLength: width, withPad: " ", startingAt: 0)
        let sandbox = notes[figure.unit].map { "  \($0)" } ?? ""
        text += "  \(padded)  \(level(figure.level))  \(figure.rating)\(sandbox)\n"
      }
      return text
    }

    /// A level with one decimal, as systemd prints it.
    static func level(_ value: Double) -> String {
      String(format: "%.1f", value)
    }

    /// The text `check` prints for a valid config.
    static func summary(of config: PoolConfig) -> String {
      // Processes as the config declares them; instances of replicated ones counted apart.
      let replicated = config.replicaCounts
      let count = config.processes.count - replicated.values.reduce(0, +) + replicated.count
      var text = "pool: \(config.name)\n"
      text += "processes: \(count)"
      text += replicated.isEmpty ? "\n" : " (\(config.processes.count) units: replicas of \(replicated.keys.sorted().joined(separator: ", ")))\n"
      for (level, names) in config.startLevels().enumerated() {
        for name in names {
          guard let process = config.processes[name] else { continue }
          text += "level \(level): \(name) (\(process.restartPolicy.rawValue), \(describe(process.healthCheck)))\n"
        }
      }
      return text
    }

    private static func describe(_ check: HealthCheck?) -> String {
      guard let check else { return "no health check" }
      // A command target may hold newlines; keep the summary one line per process.
      let target = check.target.contains(where: \.isNewline) ? check.target.debugDescription : check.target
      return "\(check.kind.rawValue) \(target)"
    }
  }
}
