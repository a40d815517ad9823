import ArgumentParser
import Foundation
import ProcessConfig

/// How a command that acts on one pool without needing its processes names it (`manager start|stop|status`,
/// and any later command of that kind): `--pool NAME` wins; else the `name` of the config that
/// `--config`, `$CGI_POOL_CONFIG` or the default path names, like every other command.
struct PoolOptions: ParsableArguments {
  @Option(help: ArgumentHelp("The pool (default: the name in the config).", valueName: "name"))
  var pool: String?

  @OptionGroup var configOptions: ConfigOptions

  func validate() throws {
    if let pool, let invalid = PoolConfig.invalidNameMessage(pool) {
      throw ValidationError("--pool: \(invalid)")
    }
  }

  /// The pool's name: `--pool`, else the config's `name` (exit 65 on an invalid config).
  ///
  /// A config named explicitly (`--config`, `$CGI_POOL_CONFIG`) must load. The default path is
  /// read when it exists; without any config the pool is the default one, as before `--config`
  /// was accepted here.
  func poolName() throws -> String {
    if let pool { return pool }
    let named = configOptions.config != nil || configOptions.path != ConfigOptions.defaultPath
    guard named || FileManager.default.fileExists(atPath: ConfigOptions.defaultPath) else {
      return PoolConfig.defaultName
    }
    return try configOptions.load().name
  }
}
