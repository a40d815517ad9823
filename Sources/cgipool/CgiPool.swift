import ArgumentParser

/// The `cgipool` command: runs a CGI process pool under systemd.
@main
struct CgiPool: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cgipool",
    abstract: "Run a multi-process CGI pool under systemd.",
    subcommands: [Check.self, Generate.self, Probe.self, Logs.self, Manager.self, Cleanup.self]
  )
}
