import CgiPoolRuntime
import Foundation

/// What commands print about a private manager that died and the processes it left unsupervised.
enum DeadManagerOutput {
  /// The exit status of `status` when processes run unsupervised (3 means "not all active").
  static let unsupervisedExitCode: Int32 = 4

  /// "its private manager (pid 12) is dead (process 12 is gone)".
  static func headline(_ dead: DeadManager, pool: String) -> String {
    let which = dead.pid.map { " (pid \($0))" } ?? ""
    return "pool \(pool): its private manager\(which) is dead (\(dead.reason))"
  }

  /// The `status` text: the headline, then each unsupervised process, then what to do.
  static func statusText(_ dead: DeadManager, pool: String) -> String {
    var lines = [headline(dead, pool: pool)]
    guard !dead.processes.isEmpty else {
      lines.append("nothing of the pool runs; `cgipool start` starts it afresh, `cgipool manager stop` removes the stale state")
      return lines.joined(separator: "\n")
    }
    let count = dead.processes.count
    lines.append(
      "\(count) process\(count == 1 ? "" : "es") of the pool run UNSUPERVISED in its cgroups: nothing restarts, health-checks or stops them")
    let rows = dead.processes.map { [$0.process ?? $0.unit ?? "?", String($0.pid), $0.command] }
    let widths = (0..<2).map { column in max(["PROCESS", "PID"][column].count, rows.map { $0[column].count }.max() ?? 0) }
    let pad = { (text: String, width: Int) in text + String(repeating: " ", count: max(0, width - text.count)) }
    lines.append(pad("PROCESS", widths[0]) + "  " + pad("PID", widths[1]) + "  COMMAND")
    for row in rows { lines.append(pad(row[0], widths[0]) + "  " + pad(row[1], widths[1]) + "  " + row[2]) }
    lines.append("`cgipool stop` ends them (SIGTERM, SIGKILL after stop_timeout); `cgipool start` replaces them")
    return lines.joined(separator: "\n")
  }

  /// The `status --json` document.
  static func statusJSON(_ dead: DeadManager, pool: String) -> String {
    let document: [String: Any] = [
      "manager": NSNull(), "pool": pool, "processes": [Any](),
      "deadManager": [
        "pid": dead.pid.map { Int($0) as Any } ?? NSNull(), "reason": dead.reason,
        "runtimeDirectory": dead.privateManager.runtimeDirectory,
        "unsupervised": dead.processes.map { process -> [String: Any] in
          [
            "process": process.process as Any? ?? NSNull(), "unit": process.unit as Any? ?? NSNull(),
            "pid": Int(process.pid), "command": process.command,
          ]
        },
      ] as [String: Any],
    ]
    let data = (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .prettyPrinted])) ?? Data()
    return String(decoding: data, as: UTF8.self)
  }
}
