import ArgumentParser
import CgiPoolRuntime
import Foundation

/// `cgipool logcap`: the pool's log cap unit (`<pool>.logcap.service`) runs this.
struct LogCap: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "logcap",
    abstract: "Keep the pool's log files below a size (what <pool>.logcap.service runs).",
    discussion: """
      Looks at every --file every --interval seconds. A file larger than --max-bytes keeps about
      its newest half; the older part moves to <file>.1, replacing the one before. The older part
      is cut from the head of the file under the writers' own lock (fallocate COLLAPSE_RANGE), so
      no line is lost while the process keeps writing; where the file system cannot do that
      (tmpfs, btrfs, NFS) the file is copied and truncated instead, which can lose the lines
      written in between. Runs until SIGTERM. The compiler writes the arguments from the pool's
      log_max_bytes; see `cgipool generate units`.
      """
  )

  @Option(help: "Trim a file once it is larger than this many bytes.")
  var maxBytes: Int64

  @Option(name: .customLong("file"), help: ArgumentHelp("A log file to keep below the size (repeat).", valueName: "path"))
  var files: [String] = []

  @Option(help: "Seconds between two looks at the files.")
  var interval: Double = 1

  @Flag(help: "Look once and exit.")
  var once = false

  func validate() throws {
    guard maxBytes >= 2 * 4096 else { throw ValidationError("--max-bytes must be at least 8192") }
    guard interval > 0 else { throw ValidationError("--interval must be above 0") }
    guard !files.isEmpty else { throw ValidationError("give at least one --file") }
  }

  func run() throws {
    let trimmer = LogTrimmer(maxBytes: maxBytes)
    StandardOutput.lineBuffered()
    print("keeping \(files.count) log file\(files.count == 1 ? "" : "s") below \(maxBytes) bytes")
    Interrupts.install()
    // A failure is reported once until it changes, not every interval.
    var reported: [String: String] = [:]
    while !Interrupts.requested {
      for file in files {
        do {
          if let trim = try trimmer.trim(file) { print(trim.summary) }
          reported[file] = nil
        } catch {
          if reported[file] != error.description { printError("logcap: \(error)") }
          reported[file] = error.description
        }
      }
      if once { return }
      usleep(useconds_t(interval * 1_000_000))
    }
  }
}
