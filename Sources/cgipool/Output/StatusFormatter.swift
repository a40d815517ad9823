import CgiPoolRuntime
import Foundation

/// Renders `cgipool status` as a table or as JSON.
enum StatusFormatter {
  /// A fixed-width table, one row per process, then the summary line.
  static func table(_ status: PoolStatus) -> String {
    var rows: [[String]] = [["PROCESS", "STATE", "PID", "UPTIME", "RESTARTS", "MEMORY", "HEALTH", "LAST"]]
    for process in status.processes {
      rows.append(cells(process))
    }
    var lines = ["pool \(status.pool) on \(status.manager)"]
    lines += Format.columns(rows)
    for process in status.processes {
      if let note = process.note { lines.append("note: \(process.process): \(note)") }
    }
    for process in status.processes {
      guard let listen = process.listen else { continue }
      // The socket's own state: it may listen (and queue connections) while the process restarts.
      let state = process.socketState == .active ? "listening" : process.socketState?.rawValue ?? "inactive"
      lines.append("socket: \(process.process): \(listen.joined(separator: ", ")) (\(state))")
    }
    if status.processes.first?.logsInJournal == true {
      lines.append("logs: journal (cgipool logs NAME)")
    } else if let log = status.processes.first?.logFile {
      lines.append("logs: \((log as NSString).deletingLastPathComponent)/<process>.log (cgipool logs NAME)")
    }
    lines.append(status.summary)
    return lines.joined(separator: "\n")
  }

  /// One process's row: PROCESS, STATE, PID, UPTIME, RESTARTS, MEMORY, HEALTH, LAST.
  static func cells(_ process: ProcessStatus) -> [String] {
    var health = "-"
    if let state = process.health {
      health = "\(state)" + (process.healthAgeSeconds.map { " \(Format.duration($0)) ago" } ?? "")
    }
    return [
      process.process,
      "\(process.state)/\(process.subState)",
      process.mainPID.map(String.init) ?? "-",
      process.uptimeSeconds.map(Format.duration) ?? "-",
      String(process.restarts),
      process.memoryBytes.map(Format.bytes) ?? "-",
      health,
      process.lastResult.rawValue,
    ]
  }

  /// The table of a pool across hosts: a HOST column, hosts in plan order (this machine first),
  /// then one line per host naming its manager or why it could not be asked.
  static func table(pool: String, hosts: [HostStatus]) -> String {
    var rows: [[String]] = [["HOST", "PROCESS", "STATE", "PID", "UPTIME", "RESTARTS", "MEMORY", "HEALTH", "LAST"]]
    for host in hosts {
      if host.error != nil, host.processes.isEmpty {
        for name in host.names { rows.append([host.host, name, "unknown", "-", "-", "-", "-", "-", "-"]) }
        continue
      }
      for process in host.processes {
        rows.append([host.host] + cells(process))
      }
    }
    var lines = ["pool \(pool) across \(hosts.count) hosts"]
    lines += Format.columns(rows)
    for host in hosts {
      let name = host.address.map { "\(host.host) (\($0))" } ?? host.host
      if let error = host.error {
        lines.append("host \(name): UNREACHABLE: \(error)")
      } else if let manager = host.manager {
        lines.append("host \(name): \(manager)")
      }
      for process in host.processes {
        if let note = process.note { lines.append("note: \(process.process): \(note)") }
      }
    }
    let processes = hosts.flatMap(\.processes)
    let active = processes.filter(\.isActive).count
    let unreachable = hosts.filter { $0.error != nil }.count
    lines.append(
      "\(active)/\(processes.count) active on \(hosts.count - unreachable) of \(hosts.count) hosts"
        + (unreachable > 0 ? "; \(unreachable) unreachable" : ""))
    return lines.joined(separator: "\n")
  }

  /// The JSON of a pool across hosts: every process carries its `host`; `hosts` lists each
  /// host's address, manager and error.
  static func json(pool: String, hosts: [HostStatus]) -> String {
    struct Row: Encodable {
      var host: String
      var status: ProcessStatus
      func encode(to encoder: Encoder) throws {
        try status.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(host, forKey: .host)
      }
      enum Key: String, CodingKey { case host }
    }
    struct Document: Encodable {
      var pool: String
      var hosts: [HostSummary]
      var processes: [Row]
    }
    struct HostSummary: Encodable {
      var host: String
      var address: String?
      var manager: String?
      var error: String?
      var reachable: Bool
    }
    let document = Document(
      pool: pool,
      hosts: hosts.map {
        HostSummary(host: $0.host, address: $0.address, manager: $0.manager, error: $0.error, reachable: $0.error == nil)
      },
      processes: hosts.flatMap { host in host.processes.map { Row(host: host.host, status: $0) } })
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let data = (try? encoder.encode(document)) ?? Data("{}".utf8)
    return String(decoding: data, as: UTF8.self)
  }

  /// Pretty JSON with sorted keys, stable for scripts.
  static func json(_ status: PoolStatus) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let data = (try? encoder.encode(status)) ?? Data("{}".utf8)
    return String(decoding: data, as: UTF8.self)
  }
}

/// Small text-formatting helpers shared by the commands' output.
enum Format {
  /// `45s`, `3m05s`, `2h03m`, `4d02h`.
  static func duration(_ seconds: Double) -> String {
    let total = Int(seconds.rounded(.down))
    if total < 60 { return seconds < 10 ? String(format: "%.1fs", seconds) : "\(total)s" }
    if total < 3600 { return String(format: "%dm%02ds", total / 60, total % 60) }
    if total < 86400 { return String(format: "%dh%02dm", total / 3600, (total % 3600) / 60) }
    return String(format: "%dd%02dh", total / 86400, (total % 86400) / 3600)
  }

  /// `812K`, `12.3M`, `1.2G`.
  static func bytes(_ value: UInt64) -> String {
    let units = ["B", "K", "M", "G", "T"]
    var amount = Double(value)
    var index = 0
    while amount >= 1024 && index < units.count - 1 {
      amount /= 1024
      index += 1
    }
    return index == 0 ? "\(value)B" : String(format: amount < 10 ? "%.1f" : "%.0f", amount) + units[index]
  }

  /// Left-aligned columns separated by two spaces; the last column is not padded.
  static func columns(_ rows: [[String]]) -> [String] {
    guard let width = rows.first?.count else { return [] }
    let widths = (0..<width).map { column in rows.map { $0[column].count }.max() ?? 0 }
    return rows.map { row in
      row.enumerated().map { index, cell in
        index == width - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
      }.joined(separator: "  ")
    }
  }
}
