import ArgumentParser
import Foundation

/// `cgipool generate man`: the man page, rendered from the command definitions.
struct GenerateManual: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "man",
    abstract: "Write the cgipool(1) man page, generated from the command definitions.",
    discussion: """
      Prints the page to standard output, or writes <dir>/cgipool.1 with --output. \
      `make install` puts it in place; `man -l cgipool.1` reads it without installing.
      """
  )

  @Option(help: ArgumentHelp("Folder to write cgipool.1 into.", valueName: "dir"), completion: .directory)
  var output: String?

  /// What the page says after the commands: facts the command definitions do not carry.
  static let extraSections: [(title: String, body: String)] = [
    (
      "Environment",
      """
      CGI_POOL_CONFIG names the config when --config is not given (default: ops/process_config.json). \
      CGIPOOL_RUNTIME_DIR is the private manager's runtime folder (default /run/cgipool/<pool>). \
      CGIPOOL_LOG_DIR is the folder of the processes' log files where no journal is used.
      """
    ),
    (
      "Exit status",
      """
      0 on success. 64: a usage error. 65: an invalid config (every problem is listed) or a file \
      import cannot read. status exits 3 when a process is not active; import exits 1 when settings \
      would be lost.
      """
    ),
    ("See also", "systemd(1), systemctl(1), systemd.service(5), systemd.exec(5); the README of cgipool."),
  ]

  func run() throws {
    let help = try Self.commandHelp()
    let page = ManualPage.render(help, extraSections: Self.extraSections)
    guard let output else {
      print(page, terminator: "")
      return
    }
    do {
      try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
      try Data(page.utf8).write(to: URL(fileURLWithPath: output + "/cgipool.1"), options: .atomic)
    } catch {
      printError("error: cannot write \(output)/cgipool.1: \(error.localizedDescription)")
      throw ExitCode.failure
    }
  }

  /// The command definitions, as this binary dumps them (`--experimental-dump-help`).
  static func commandHelp() throws -> CommandHelp {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Executable.path)
    process.arguments = ["--experimental-dump-help"]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      printError("error: \(Executable.path) --experimental-dump-help failed (status \(process.terminationStatus))")
      throw ExitCode.failure
    }
    return try JSONDecoder().decode(CommandHelp.Document.self, from: data).command
  }
}
