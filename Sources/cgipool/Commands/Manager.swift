import ArgumentParser
import CgiPoolRuntime

/// `cgipool manager`: start, stop and inspect the private systemd manager.
struct Manager: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "manager",
    abstract: "Start, stop or inspect cgipool's private systemd manager.",
    discussion: """
      On hosts where systemd is not PID 1 (containers, CI) cgipool runs its own systemd user
      manager in a private mount namespace and cgroup. Its runtime folder is /run/cgipool/<pool>
      unless --runtime-dir or $CGIPOOL_RUNTIME_DIR says otherwise; other cgipool commands find it
      there. Starting and stopping it needs root.
      """,
    subcommands: [ManagerStart.self, ManagerStop.self, ManagerStatus.self]
  )
}
