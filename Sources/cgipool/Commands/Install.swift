import ArgumentParser
import CgiPoolRuntime
import Foundation
import ProcessConfig
import UnitCompiler

/// `cgipool install`: installs the pool on a host booted with systemd, as unit files or
/// through the generator, so it starts at boot.
struct Install: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "install",
    abstract: "Install the pool as systemd unit files (or through the generator) so it starts at boot.",
    discussion: """
      Copies this binary to <prefix>/libexec/cgipool/cgipool (a link in <prefix>/bin; prefix
      /usr/local, or ~/.local with --user) and the templates beside it; keeps a copy of the
      config with absolute paths and a manifest in /var/lib/cgipool/<pool>/
      (~/.local/state/cgipool/<pool>/); writes the unit files (probes run the installed binary)
      into /etc/systemd/system (~/.config/systemd/user); reloads the manager and enables
      <pool>.target (WantedBy=multi-user.target, or default.target). Running it again changes
      nothing. It never overwrites a file it did not write unless --force is given.

      With --generator it installs the system generator instead: every /etc/cgipool/*.json is
      compiled at boot and at every daemon-reload; --config also copies that config there.
      A pool is installed one way only.
      """
  )

  @OptionGroup var configOptions: ConfigOptions
  @OptionGroup var scope: InstallScopeOptions
  @OptionGroup var remote: RemoteHostOptions

  @Flag(help: "Also start the pool now and wait until every process is healthy.")
  var now = false

  @Flag(help: "Print every file it would write and every call it would make, and change nothing.")
  var dryRun = false

  @Flag(help: "Overwrite files that cgipool did not write.")
  var force = false

  @Flag(help: "Install the system generator (and, with --config, that config in /etc/cgipool).")
  var generator = false

  func validate() throws {
    if generator && scope.user { throw ValidationError("--generator installs a system generator: it cannot be combined with --user") }
  }

  func run() throws {
    if let host = remote.host {
      // The same install, run there by a copy of this binary sent over ssh.
      try RemoteInstall.exec(
        host: host, connectTimeout: remote.connectTimeout,
        arguments: ["install"] + (configOptions.config != nil || !generator
          ? ["--config", RemoteRunner.remoteConfigPath(configOptions.path)] : [])
          + scope.arguments + (now ? ["--now"] : []) + (dryRun ? ["--dry-run"] : []) + (force ? ["--force"] : [])
          + (generator ? ["--generator"] : []))
    }
    if generator {
      try InstallRunner.installGenerator(
        config: configOptions, explicitConfig: configOptions.config != nil
          || !(ProcessInfo.processInfo.environment[ConfigOptions.environmentVariable] ?? "").isEmpty,
        now: now, dryRun: dryRun, force: force)
      return
    }
    guard let layout = scope.layout() else {
      printError(
        "error: no systemd manager to install into: install needs a host booted with systemd (run as root for the "
          + "system manager) or a running user manager (--user); elsewhere `cgipool start` runs the pool under cgipool's private manager")
      throw ExitCode.failure
    }
    try InstallRunner.installUnitFiles(config: configOptions, layout: layout, now: now, dryRun: dryRun, force: force)
  }
}
