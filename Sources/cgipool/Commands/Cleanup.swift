import ArgumentParser
import CgiPoolRuntime
import Foundation
import ProcessConfig

/// `cgipool cleanup`: ends the pool's processes that run outside its units.
struct Cleanup: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "End the pool's orphans: processes matching its patterns outside its units.",
    discussion: """
      Scans /proc once for processes matching the pool's orphan_patterns that do not \
      belong to one of the pool's systemd units, then stops each like systemd stops a \
      unit: SIGTERM to it and its descendants, a wait of --timeout seconds, then SIGKILL. \
      cgipool itself, its ancestors, PID 1, kernel threads and other users' processes are \
      never touched. Exits 0 when no orphan is left running, 1 otherwise.
      """
  )

  /// The config file naming the pool and its patterns.
  @OptionGroup var configOptions: ConfigOptions

  /// List what would be ended without signalling anything.
  @Flag(name: .long, help: "List the orphans without signalling them.")
  var dryRun = false

  /// Print the report as JSON.
  @Flag(name: .long, help: "Print the report as JSON.")
  var json = false

  /// Seconds between SIGTERM and SIGKILL.
  @Option(name: .long, help: "Seconds to wait after SIGTERM before SIGKILL.")
  var timeout: Double = 5

  /// Also end other users' processes.
  @Flag(name: .long, help: "Also end processes of other users (needs root).")
  var includeOtherUsers = false

  func validate() throws {
    guard timeout >= 0, timeout.isFinite else { throw ValidationError("--timeout must be a number of seconds >= 0") }
  }

  func run() throws {
    let pool = try configOptions.load()
    let settings = (name: pool.name, patterns: pool.orphanPatterns)
    let report: ReapReport
    let scan: OrphanScan
    do {
      let patterns = try OrphanPattern.compile(settings.patterns)
      let reaper = OrphanReaper(poolName: settings.name, patterns: patterns, includeOtherUsers: includeOtherUsers)
      scan = try reaper.scan()
      report = try reaper.reap(scan.orphans, timeout: .milliseconds(Int64((timeout * 1000).rounded())), dryRun: dryRun)
    } catch let error as OrphanPatternErrors {
      FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
      throw ExitCode(65)
    } catch {
      FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
      throw ExitCode.failure
    }
    if json {
      print(try CleanupOutput.json(report: report, scan: scan, pool: settings.name, dryRun: dryRun))
    } else {
      print(CleanupOutput.text(report: report, scan: scan, pool: settings.name, dryRun: dryRun), terminator: "")
    }
    if !report.allGone { throw ExitCode.failure }
  }
}
