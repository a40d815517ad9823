import ArgumentParser
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
        """
    )

    @OptionGroup var options: ConfigOptions

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
    }

    /// The text `check` prints for a valid config.
    static func summary(of config: PoolConfig) -> String {
      let count = config.processes.count
      var text = "pool: \(config.name)\n"
      text += "processes: \(count)\n"
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
