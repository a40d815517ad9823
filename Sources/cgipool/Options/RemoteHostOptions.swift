import ArgumentParser
import ProcessConfig

/// `--host` and `--connect-timeout` for commands that run cgipool itself on another machine over
/// plain ssh (`logs`, `install`, `uninstall`): what systemd's D-Bus transport does not carry.
struct RemoteHostOptions: ParsableArguments {
  @Option(name: .customLong("host"), help: ArgumentHelp(
    "Run it on another machine: cgipool runs there over ssh (ssh options from your ssh configuration, or the `ssh` first on PATH; the config at the same path there).",
    valueName: "[user@]host[:port]"))
  var host: String?

  @Option(name: .customLong("connect-timeout"), help: ArgumentHelp(
    "Seconds ssh may take to connect to --host.", valueName: "seconds"))
  var connectTimeout: Double = 10

  func validate() throws {
    if let host, let problem = RemoteHost.problem(host) { throw ValidationError("--host \(host): \(problem)") }
    if !(connectTimeout > 0) || !connectTimeout.isFinite {
      throw ValidationError("--connect-timeout must be a positive number of seconds")
    }
  }
}
