import ArgumentParser
import CgiPoolRuntime
import ProcessConfig

/// Runs the orphan reaper for `start --cleanup` and `stop --cleanup`.
enum CleanupRunner {
  /// Reaps the pool's orphans with the default timeout and prints the report.
  static func run(pool: PoolConfig) throws {
    do {
      let reaper = try OrphanReaper(pool: pool)
      let scan = try reaper.scan()
      let report = try reaper.reap(scan.orphans, timeout: .seconds(5), dryRun: false)
      print(CleanupOutput.text(report: report, scan: scan, pool: pool.name, dryRun: false), terminator: "")
    } catch {
      printError("error: cleanup: \(error)")
      throw ExitCode.failure
    }
  }
}
