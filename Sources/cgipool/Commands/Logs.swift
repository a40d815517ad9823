import ArgumentParser
import CgiPoolRuntime
import ProcessConfig
import Foundation
import SystemdBus
import UnitCompiler

/// `cgipool logs`: shows a process's output.
struct Logs: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "logs",
    abstract: "Show a process's output (stdout and stderr, health probe lines included).",
    discussion: """
      Under the host's system manager, where journald runs, output is in the journal and is read from there \
      (the process's unit; liveness lines are in the pool's health unit). Elsewhere (the private manager) systemd appends it to \
      <log dir>/<process>.log. `cgipool status` says which.
      """
  )

  @OptionGroup var configOptions: ConfigOptions

  @Argument(help: "The process name.", completion: ProcessNameCompletion.kind)
  var process: String

  @Option(name: [.customShort("n"), .long], help: "How many of the last lines to show.")
  var lines: Int = 50

  @Flag(name: .shortAndLong, help: "Keep printing new lines as they are written (Ctrl+C ends).")
  var follow = false

  @Option(name: .customLong("journal-dir"), help: ArgumentHelp(
    "Read the journal files in this folder instead of the local journal (e.g. one copied from another machine).",
    valueName: "path"))
  var journalDirectory: String?

  @OptionGroup var remote: RemoteHostOptions

  func run() throws {
    if let host = remote.host {
      // The journal is not reachable over systemd's D-Bus transport: cgipool reads it there.
      try RemoteRunner.exec(
        host: host, connectTimeout: remote.connectTimeout,
        arguments: ["logs", "--config", RemoteRunner.remoteConfigPath(configOptions.path), process, "-n", String(lines)]
          + (follow ? ["-f"] : []) + (journalDirectory.map { ["--journal-dir", $0] } ?? []))
    }
    let pool = try configOptions.load()
    if let unknown = pool.unknownProcessesMessage([process]) { throw ValidationError(unknown) }
    if pool.processes[process] == nil, let count = pool.replicaCounts[process] {
      // Each instance has its own log: say which names there are rather than show nothing.
      throw ValidationError(
        "\(process) runs as \(count) instances, each with its own log: name one (\(process)@1 ... \(process)@\(count))")
    }
    let names = UnitNames(pool: pool.name)
    // Liveness lines: in the process's log file, or under the journal in the health unit's entries.
    let units = [names.service(process)]
    let path = LogPath.file(process: process, in: LogLocation.directory(pool: pool.name))
    if let journalDirectory {
      try showJournal(
        JournalLocation(source: .directory(journalDirectory), unitFields: JournalLocation.local.unitFields),
        process: process, names: names)
      return
    }
    // Where journald runs, the journal is asked first: a log file there is a leftover of a run
    // under the private manager, unless the journal knows nothing of the process.
    if JournalLocation.journaldRuns(), hasEntries(JournalLocation.local, units: units) || !FileManager.default.fileExists(atPath: path) {
      try showJournal(.local, process: process, names: names)
      return
    }
    guard FileManager.default.fileExists(atPath: path) else {
      printError("no log yet for \(process) (\(path)); has it been started?")
      throw ExitCode.failure
    }
    for line in LogFile(path: path).tail(lines) { print(line) }
    guard follow else { return }
    try followFile(path)
  }

  /// True when the journal at `location` holds at least one entry of `units`.
  private func hasEntries(_ location: JournalLocation, units: [String]) -> Bool {
    ((try? location.open(units: units).tail(1)) ?? []).isEmpty == false
  }

  /// Prints the process's last lines from the journal (its service's, and the health unit's lines
  /// for it), then (with `-f`) what they write next.
  private func showJournal(_ location: JournalLocation, process: String, names: UnitNames) throws {
    // Each followed line must reach a pipe as it is written, not when a buffer fills.
    if follow { StandardOutput.lineBuffered() }
    do {
      let service = names.service(process)
      for entry in try location.processTail(service: service, healthUnit: names.health, process: process, count: lines) {
        print(JournalLocation.line(entry))
      }
      guard follow else { return }
      // Two journals, each positioned at its end, read in turn: the health unit's lines are narrowed
      // to this process, which one match on the unit cannot do.
      let own = try location.open(units: [service])
      _ = try own.tail(1)
      let health = try location.open(units: [names.health])
      _ = try health.tail(1)
      while true {
        while let entry = try own.next() { print(JournalLocation.line(entry)) }
        while let entry = try health.next() {
          if let line = JournalLocation.entry(entry, of: process) { print(JournalLocation.line(line)) }
        }
        _ = try own.wait(timeoutMicroseconds: 250_000)
      }
    } catch {
      printError("error: reading the journal: \(error)")
      throw ExitCode.failure
    }
  }

  /// Prints what is appended to `path` until interrupted; a trim by the pool's log cap shows
  /// nothing twice (`LogFollower`).
  private func followFile(_ path: String) throws {
    var follower = LogFollower(path: path)
    while true {
      let data = follower.poll()
      if !data.isEmpty { FileHandle.standardOutput.write(data) }
      usleep(200_000)
    }
  }
}
