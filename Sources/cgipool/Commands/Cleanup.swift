import ArgumentParser
import CgiPoolRuntime
import Foundation
import ProcessConfig

/// `cgipool cleanup`: ends the pool's processes that run outside its units.
struct Cleanup: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cleanup",
    abstract: "End the pool's orphans: processes matching its patterns outside its units.",
    discussion: """
      Scans /proc once for processes matching the pool's orphan_patterns that do not \
      belong to one of the pool's systemd units, then stops each like systemd stops a \
      unit: SIGTERM to it and its descendants, a wait of --timeout seconds, then SIGKILL. \
      When a systemd manager is running (the one --system/--user/--bus/--runtime-dir or the \
      automatic choice names; cleanup never starts a private one), the orphans are moved into \
      a transient scope <pool>-orphans-<token>.scope that the manager then stops; otherwise, \
      with --signals-only, or when the manager refuses, cgipool signals them itself. \
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

  /// Never use a systemd manager, even when one runs.
  @Flag(name: .long, help: "End the orphans by signals even when a systemd manager is running.")
  var signalsOnly = false

  /// Which manager the scope goes to.
  @OptionGroup var manager: ManagerOptions

  func validate() throws {
    guard timeout >= 0, timeout.isFinite else { throw ValidationError("--timeout must be a number of seconds >= 0") }
    if signalsOnly && manager.selection != .automatic && manager.host == nil {
      throw ValidationError("--signals-only uses no manager: it cannot be combined with --system, --user or --bus")
    }
  }

  /// The terminator to use, the manager it goes through (`nil` for signals), and, when signals
  /// are a fallback, why (recorded on every orphan by the terminator).
  func makeTerminator(pool: String) -> (terminator: any OrphanTerminating, manager: String?) {
    if signalsOnly { return (SignalTerminator(), nil) }
    do {
      // Cleanup never starts a private manager just to stop orphans in it.
      guard let located = try manager.locator(pool: pool).locate(startPrivate: false) else {
        return (SignalTerminator(fallbackReason: "no systemd manager is running"), nil)
      }
      return (ScopeTerminator(manager: located.manager, poolName: pool), located.description)
    } catch {
      return (SignalTerminator(fallbackReason: "\(error)"), nil)
    }
  }

  func run() throws {
    if let host = manager.host {
      // The remote /proc is not reachable over systemd's D-Bus transport: cgipool scans it there,
      // with the remote system manager.
      try RemoteRunner.exec(
        host: host, connectTimeout: manager.connectTimeout,
        arguments: ["cleanup", "--config", RemoteRunner.remoteConfigPath(configOptions.path), "--timeout", String(timeout)]
          + (dryRun ? ["--dry-run"] : []) + (json ? ["--json"] : []) + (includeOtherUsers ? ["--include-other-users"] : [])
          + (signalsOnly ? ["--signals-only"] : []))
    }
    let pool = try configOptions.load()
    let settings = (name: pool.name, patterns: pool.orphanPatterns)
    let report: ReapReport
    let scan: OrphanScan
    var managerDescription: String?
    do {
      let patterns = try OrphanPattern.compile(settings.patterns)
      var reaper = OrphanReaper(poolName: settings.name, patterns: patterns, includeOtherUsers: includeOtherUsers)
      // Processes a dead private manager left behind are unsupervised: orphans too.
      let dead = signalsOnly || manager.selection == .automatic ? DeadManager.find(manager.locator(pool: pool.name).privateManager, pool: pool) : nil
      reaper.unsupervised = Set(dead?.processes.map(\.pid) ?? [])
      scan = try reaper.scan()
      let toEnd = !dryRun && scan.orphans.contains { $0.skipReason == nil }
      // Only look for a manager when something is to be ended.
      let chosen = toEnd ? makeTerminator(pool: settings.name) : (terminator: SignalTerminator(), manager: nil)
      managerDescription = chosen.manager
      report = try reaper.reap(
        scan.orphans, timeout: .milliseconds(Int64((timeout * 1000).rounded())), dryRun: dryRun,
        terminator: chosen.terminator)
      if let dead, !dryRun, report.allGone, !dead.processes.isEmpty {
        // Its last processes are gone: remove the dead manager's cgroups and stale state too.
        _ = try? dead.privateManager.stop()
      }
    } catch let error as OrphanPatternErrors {
      FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
      throw ExitCode(65)
    } catch {
      FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
      throw ExitCode.failure
    }
    if json {
      print(try CleanupOutput.json(report: report, scan: scan, pool: settings.name, dryRun: dryRun, manager: managerDescription))
    } else {
      print(
        CleanupOutput.text(report: report, scan: scan, pool: settings.name, dryRun: dryRun, manager: managerDescription),
        terminator: "")
    }
    if !report.allGone { throw ExitCode.failure }
  }
}
