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
  @Option(name: .long, help: "The pool's config file.")
  var config = "process_config.json"

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
    let settings = Self.poolSettings(configFile: config)
    if let note = settings.note { FileHandle.standardError.write(Data("note: \(note)\n".utf8)) }
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

  /// The pool name and orphan patterns to use, and a note when defaults replaced the config.
  ///
  /// TODO: the real `ConfigLoader` lands from the `config` branch; until then
  /// loading throws "not implemented" and this falls back to the default pool
  /// name and patterns. Drop the fallback (and report a bad config, exit 65)
  /// once the loader works.
  static func poolSettings(configFile: String) -> (name: String, patterns: [String], note: String?) {
    do {
      let pool = try ConfigLoader.load(file: configFile)
      return (pool.name, pool.orphanPatterns, nil)
    } catch {
      return (
        PoolConfig.defaultName, PoolConfig.defaultOrphanPatterns,
        "cannot load \(configFile) (\(error.diagnostics.map(\.message).joined(separator: "; "))); "
          + "using pool \"\(PoolConfig.defaultName)\" and the default orphan patterns"
      )
    }
  }
}
