import CgiPoolRuntime
import Foundation

/// Formats a `ReapReport` for `cgipool cleanup`: a table or JSON.
enum CleanupOutput {
  /// The human-readable report: one row per orphan (saying how it was ended), then why signals
  /// replaced the scope if they did, then a summary line. `manager` describes the manager the
  /// scope was created in, when one was used.
  static func text(report: ReapReport, scan: OrphanScan, pool: String, dryRun: Bool, manager: String? = nil) -> String {
    var out = "Pool \"\(pool)\": scanned \(scan.processCount) processes"
    if !scan.poolMembers.isEmpty { out += ", \(scan.poolMembers.count) matching inside the pool's units (left alone)" }
    out += ".\n"
    guard !report.entries.isEmpty else { return out + "No orphans found.\n" }
    let rows = report.entries.map { entry -> [String] in
      let orphan = entry.orphan
      var result = dryRun && entry.outcome == .skipped(.dryRun) ? "would be ended" : entry.outcome.description
      if !orphan.descendants.isEmpty {
        result += " (+\(orphan.descendants.count) descendant\(orphan.descendants.count == 1 ? "" : "s"))"
      }
      if let method = entry.method { result += " \(method)" }
      return [String(orphan.pid), orphan.userName ?? String(orphan.uid), orphan.pattern, result, orphan.commandLine]
    }
    let header = ["PID", "USER", "PATTERN", "RESULT", "COMMAND"]
    let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
    for row in [header] + rows {
      let cells = row.indices.map { $0 == row.count - 1 ? row[$0] : row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
      out += cells.joined(separator: "  ") + "\n"
    }
    if let manager, report.entries.contains(where: { $0.method?.scopeName != nil }) {
      out += "Scope created in the \(manager).\n"
    }
    for reason in report.fallbackReasons {
      out += "Ended by signals instead of a scope: \(reason).\n"
    }
    let left = report.entries.filter { !$0.outcome.isGone }.count
    if dryRun {
      out += "Dry run: nothing was signalled; \(report.entries.count) orphan\(report.entries.count == 1 ? "" : "s") found.\n"
    } else if left == 0 {
      out += "All \(report.entries.count) orphan\(report.entries.count == 1 ? " is" : "s are") gone.\n"
    } else {
      out += "\(left) orphan\(left == 1 ? "" : "s") left running.\n"
    }
    return out
  }

  /// The JSON document: pool, dryRun, allGone, processCount, poolMembers, the manager used and
  /// the fallback reasons, and the orphans with outcomes and methods.
  static func json(report: ReapReport, scan: OrphanScan, pool: String, dryRun: Bool, manager: String? = nil) throws -> String {
    let document = Document(
      pool: pool, dryRun: dryRun, allGone: report.allGone, processCount: scan.processCount,
      poolMembers: scan.poolMembers, manager: manager, fallbackReasons: report.fallbackReasons,
      orphans: report.entries.map { entry in
        let orphan = entry.orphan
        var reason: String?
        var survivors: [Int32] = []
        switch entry.outcome {
        case .skipped(let why): reason = why.rawValue
        case .survived(let pids): survivors = pids
        default: break
        }
        return Document.Entry(
          pid: orphan.pid, uid: orphan.uid, user: orphan.userName, argv: orphan.argv,
          commandLine: orphan.commandLine, pattern: orphan.pattern, descendants: orphan.descendants.map(\.pid),
          outcome: entry.outcome.label, reason: reason, survivors: survivors, method: entry.method?.label,
          scope: entry.method?.scopeName, fallbackReason: entry.fallbackReason)
      })
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(document), as: UTF8.self)
  }

  /// The JSON shape, kept here so the runtime types stay free of output concerns.
  struct Document: Encodable {
    struct Entry: Encodable {
      var pid: Int32
      var uid: UInt32
      var user: String?
      var argv: [String]
      var commandLine: String
      var pattern: String
      var descendants: [Int32]
      var outcome: String
      var reason: String?
      var survivors: [Int32]
      /// `scope` or `signals`; absent when nothing was done.
      var method: String?
      /// The scope unit's name for method `scope`.
      var scope: String?
      /// Why signals replaced the scope.
      var fallbackReason: String?
    }
    var pool: String
    var dryRun: Bool
    var allGone: Bool
    var processCount: Int
    var poolMembers: [Int32]
    /// The manager the scope was created in, absent when none was used.
    var manager: String?
    var fallbackReasons: [String]
    var orphans: [Entry]
  }
}
