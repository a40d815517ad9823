import ArgumentParser
import CgiPoolRuntime
import Foundation

/// `cgipool logs`: shows a process's output.
struct Logs: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Show a process's output (stdout and stderr, health probe lines included).",
    discussion: "Each process's output is appended by systemd to <log dir>/<process>.log; see `cgipool status` for the folder."
  )

  @OptionGroup var configOptions: ConfigOptions

  @Argument(help: "The process name.")
  var process: String

  @Option(name: [.customShort("n"), .long], help: "How many of the last lines to show.")
  var lines: Int = 50

  @Flag(name: .shortAndLong, help: "Keep printing new lines as they are written (Ctrl+C ends).")
  var follow = false

  func run() throws {
    let pool = try configOptions.load()
    guard pool.processes[process] != nil else {
      printError("error: no process \"\(process)\" in \(configOptions.path) (processes: \(pool.processNames.joined(separator: ", ")))")
      throw ExitCode.failure
    }
    let path = LogLocation.directory(pool: pool.name) + "/" + process + ".log"
    guard FileManager.default.fileExists(atPath: path) else {
      printError("no log yet for \(process) (\(path)); has it been started?")
      throw ExitCode.failure
    }
    for line in LogFile(path: path).tail(lines) { print(line) }
    guard follow else { return }
    try followFile(path)
  }

  /// Prints what is appended to `path` until interrupted.
  private func followFile(_ path: String) throws {
    guard let handle = FileHandle(forReadingAtPath: path) else { return }
    var offset = (try? handle.seekToEnd()) ?? 0
    while true {
      let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? UInt64) ?? offset
      if size < offset { offset = 0 }  // truncated or rotated: start over
      if size > offset {
        try? handle.seek(toOffset: offset)
        let data = (try? handle.read(upToCount: Int(size - offset))) ?? Data()
        offset += UInt64(data.count)
        FileHandle.standardOutput.write(data)
      }
      usleep(200_000)
    }
  }
}
