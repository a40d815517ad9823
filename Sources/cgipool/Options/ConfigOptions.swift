import ArgumentParser
import Foundation
import ProcessConfig

/// `--config`: which `process_config.json` a command reads.
struct ConfigOptions: ParsableArguments {
  @Option(name: .long, help: "The config file (default: $CGI_POOL_CONFIG, else ops/process_config.json).")
  var config: String?

  /// The config path after applying the fallbacks.
  var path: String {
    config ?? ProcessInfo.processInfo.environment["CGI_POOL_CONFIG"] ?? "ops/process_config.json"
  }

  /// Loads the config; on failure prints every diagnostic and exits 65.
  func load() throws -> PoolConfig {
    do {
      return try ConfigLoader.load(file: path)
    } catch {
      Diagnostics.report(error, file: path)
      throw ExitCode(65)
    }
  }
}
