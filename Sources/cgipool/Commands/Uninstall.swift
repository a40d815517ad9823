import ArgumentParser
import CgiPoolRuntime
import Foundation
import UnitCompiler

/// `cgipool uninstall`: stops, disables and removes exactly what `cgipool install` wrote.
struct Uninstall: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "uninstall",
    abstract: "Stop, disable and remove exactly what `cgipool install` wrote, then reload.",
    discussion: """
      The pool is named by --pool NAME, or by the config's name (--config, $CGI_POOL_CONFIG,
      else ops/process_config.json). A pool installed through the generator loses its config
      in /etc/cgipool. The installed binary and templates go with the last installed pool.
      --generator removes the generator itself, once no generated pool is left.
      """
  )

  @OptionGroup var configOptions: ConfigOptions
  @OptionGroup var scope: InstallScopeOptions
  @OptionGroup var remote: RemoteHostOptions

  @Option(help: "The pool to uninstall (instead of reading its name from the config).")
  var pool: String?

  @Flag(help: "Remove the system generator (when no config is left in /etc/cgipool).")
  var generator = false

  @Flag(help: "Print every file it would remove and every call it would make, and change nothing.")
  var dryRun = false

  func validate() throws {
    if pool != nil && configOptions.config != nil { throw ValidationError("--pool and --config exclude each other") }
    if generator && (pool != nil || configOptions.config != nil) {
      throw ValidationError("--generator removes the generator only: uninstall pools first with --pool or --config")
    }
  }

  func run() throws {
    if let host = remote.host {
      // The same uninstall, run there by a copy of this binary sent over ssh.
      try RemoteInstall.exec(
        host: host, connectTimeout: remote.connectTimeout,
        arguments: ["uninstall"] + scope.arguments + (dryRun ? ["--dry-run"] : []) + (generator ? ["--generator"] : [])
          + (pool.map { ["--pool", $0] } ?? (generator ? [] : ["--pool", try poolName()])))
    }
    if generator {
      try InstallRunner.uninstallGenerator(dryRun: dryRun)
      return
    }
    let name = try pool ?? poolName()
    try InstallRunner.uninstall(pool: name, scope: scope, dryRun: dryRun)
  }

  /// The pool's name from the config (which must be valid: else name the pool with --pool).
  func poolName() throws -> String {
    try configOptions.load().name
  }
}
