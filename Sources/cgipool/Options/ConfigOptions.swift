import ArgumentParser
import Foundation
import ProcessConfig

/// The options every command that reads the config shares: where the config is.
struct ConfigOptions: ParsableArguments {
  /// The environment variable naming the config when `--config` is not given.
  static let environmentVariable = "CGI_POOL_CONFIG"
  /// The config used when neither `--config` nor the environment names one.
  static let defaultPath = "ops/process_config.json"

  @Option(
    name: .long,
    help: ArgumentHelp(
      "The process config file (default: $\(ConfigOptions.environmentVariable), else \(ConfigOptions.defaultPath)).",
      valueName: "path"
    )
  )
  var config: String?

  /// The config file to read: `--config`, else `$CGI_POOL_CONFIG` (when not empty), else the default.
  var path: String {
    if let config { return config }
    if let fromEnvironment = ProcessInfo.processInfo.environment[Self.environmentVariable], !fromEnvironment.isEmpty {
      return fromEnvironment
    }
    return Self.defaultPath
  }

  /// Loads and validates the config; on problems prints each to stderr and exits 65.
  ///
  /// Each diagnostic prints as `error: <file>: <path>: <message>`, then a count line, so the
  /// user sees every problem at once.
  func load() throws -> PoolConfig {
    let file = path
    do {
      return try ConfigLoader.load(file: file)
    } catch {
      Diagnostics.report(error, file: file)
      // 65 is EX_DATAERR: the input data was wrong, not the command line.
      throw ExitCode(65)
    }
  }
}
