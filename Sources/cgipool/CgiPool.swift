import ArgumentParser

/// The `cgipool` command: runs a CGI process pool under systemd.
@main
struct CgiPool: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cgipool",
    abstract: "Run a multi-process CGI pool under systemd.",
    subcommands: [
      Check.self, Start.self, Stop.self, Restart.self, Status.self, Logs.self, Cleanup.self, Generate.self,
      Probe.self, Manager.self,
    ]
  )

  /// Runs the command with stdout line-buffered (see `StandardOutput`).
  static func main() {
    StandardOutput.lineBuffered()
    main(nil)
  }
}
