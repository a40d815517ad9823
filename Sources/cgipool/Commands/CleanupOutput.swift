import CgiPoolRuntime
import Foundation

/// Formats a `ReapReport` for `cgipool cleanup`: a table or JSON.
enum CleanupOutput {
  /// The human-readable report: one row per orphan, then a summary line.
  static func text(report: ReapReport, scan: OrphanScan, pool: String, dryRun: Bool) -> String {
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
      return [String(orphan.pid), orphan.userName ?? String(orphan.uid), orphan.pattern, result, orphan.commandLine]
    }
    let header = ["PID", "USER", "PATTERN", "RESULT", "COMMAND"]
    let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
    for row in [header] + rows {
      let cells = row.indices.map { $0 == row.count - 1 ? row[$0] : row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
      out += cells.joined(separator: "  ") + "\n"
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

  /// The JSON document: pool, dryRun, allGone, processCount, poolMembers and the orphans with outcomes.
  static func json(report: ReapReport, scan: OrphanScan, pool: String, dryRun: Bool) throws -> String {
    let document = Document(
      pool: pool, dryRun: dryRun, allGone: report.allGone, processCount: scan.processCount,
      poolMembers: scan.poolMembers,
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
          outcome: entry.outcome.label, reason: reason, survivors: survivors)
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
    }
    var pool: String
    var dryRun: Bool
    var allGone: Bool
    var processCount: Int
    var poolMembers: [Int32]
    var orphans: [Entry]
  }
}
