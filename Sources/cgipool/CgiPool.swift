import ArgumentParser

/// The `cgipool` command: runs a CGI process pool under systemd.
@main
struct CgiPool: ParsableCommand {
  // Every command names itself (`commandName:`): deriving a name from the type costs each run
  // of the binary, every probe included, a scan of every protocol conformance it links.
  static let configuration = CommandConfiguration(
    commandName: "cgipool",
    abstract: "Run a multi-process CGI pool under systemd.",
    subcommands: [
      Check.self, Start.self, Stop.self, Restart.self, Status.self, Logs.self, Cleanup.self, Generate.self,
      Probe.self, Liveness.self, LogCap.self, Gate.self, Manager.self, Install.self, Uninstall.self, GeneratorCommand.self, Import.self, Schema.self,
      Plan.self, Apply.self, Analyze.self, Scale.self,
    ]
  )

  /// Runs the command with stdout line-buffered (see `StandardOutput`).
  static func main() {
    StandardOutput.lineBuffered()
    main(nil)
  }
}
