import CgiPoolRuntime
import CgiPoolTestSupport
import Foundation
import Testing

/// The fault-injection suite (issue 4): each case breaks a pool on a real private manager
/// and asserts the defined state it ends in. Short timeouts keep the whole suite quick.
@Suite(.enabled(if: PrivateManagerFixture.enabled)) enum Faults {
  /// Outcomes by process name.
  static func outcomes(_ report: StartReport) -> [String: ProcessStartResult.Outcome] {
    Dictionary(uniqueKeysWithValues: report.results.map { ($0.process, $0.outcome) })
  }

  /// The unit's current state, `nil` when it is not loaded.
  static func state(_ context: RuntimeHarness.Context, _ unit: String) throws -> UnitState? {
    try context.runtime.manager.unitState(unit)
  }

  /// One process's status row.
  static func status(_ context: RuntimeHarness.Context, _ process: String) throws -> ProcessStatus {
    try #require(try context.runtime.status([process]).processes.first)
  }

  /// The process's log file, as systemd appended it.
  static func log(_ context: RuntimeHarness.Context, _ process: String) -> String {
    (try? String(contentsOfFile: context.folder + "/logs/\(process).log", encoding: .utf8)) ?? ""
  }
}
