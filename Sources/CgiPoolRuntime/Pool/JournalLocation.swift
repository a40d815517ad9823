import Foundation
import SystemdBus

/// Where systemd's journal keeps the output of a manager's units, and how to find one unit's
/// entries in it.
///
/// Chosen instead of per-process log files when journald runs for the manager: then units are
/// compiled without `StandardOutput=append:` and their output goes to the journal, systemd's
/// default.
public struct JournalLocation: Sendable, Equatable {
  /// The journal files to read.
  public var source: Journal.Source
  /// The fields naming a unit in its entries, any of which may match: `_SYSTEMD_UNIT` for a
  /// system manager's units, `_SYSTEMD_USER_UNIT` for a user manager's.
  public var unitFields: [String]

  /// journald's native socket; it exists where journald runs.
  public static let socketPath = "/run/systemd/journal/socket"

  /// Creates a location.
  public init(source: Journal.Source, unitFields: [String]) {
    self.source = source
    self.unitFields = unitFields
  }

  /// The host's journal, for units of either a system or a user manager.
  public static let local = JournalLocation(source: .local(.all), unitFields: ["_SYSTEMD_UNIT", "_SYSTEMD_USER_UNIT"])

  /// True when journald runs on this machine (its socket exists).
  public static func journaldRuns(socketPath: String = socketPath) -> Bool {
    FileManager.default.fileExists(atPath: socketPath)
  }

  /// The journal keeping the output of units run by a manager of `kind`, or nil when output must
  /// go to files: only the host's system manager qualifies, only where journald runs, and never
  /// when `$CGIPOOL_LOG_DIR` asks for files explicitly. (A private manager has no journald.)
  public static func detect(
    kind: ManagerEndpoint.Kind, environment: [String: String] = ProcessInfo.processInfo.environment,
    socketPath: String = socketPath
  ) -> JournalLocation? {
    guard kind == .system, journaldRuns(socketPath: socketPath) else { return nil }
    if let explicit = environment["CGIPOOL_LOG_DIR"], !explicit.isEmpty { return nil }
    return JournalLocation(source: .local(.all), unitFields: ["_SYSTEMD_UNIT"])
  }

  /// Opens the journal narrowed to the entries of `units` (any of them), interleaved in time.
  public func open(units: [String]) throws(JournalError) -> Journal {
    let journal = try Journal(source)
    // Matches on one field are alternatives; a disjunction separates the fields.
    for (index, field) in unitFields.enumerated() {
      if index > 0 { try journal.addDisjunction() }
      for unit in units {
        try journal.addMatch(field: field, value: unit)
      }
    }
    return journal
  }

  /// The last `count` lines `units` wrote, oldest first, each as `line(_:)` renders it.
  public func tail(units: [String], count: Int, timeZone: TimeZone = .current) throws(JournalError) -> [String] {
    try open(units: units).tail(count).map { Self.line($0, timeZone: timeZone) }
  }

  /// The last `count` entries of one process, oldest first: its service's own lines, and the
  /// lines the pool's health unit wrote for it (`"<process>: "` removed), interleaved in time.
  /// The health unit writes for every process of the pool, one line per change of health, so a
  /// generous window of its entries is read and narrowed to this process.
  public func processTail(service: String, healthUnit: String, process: String, count: Int) throws(JournalError)
    -> [JournalEntry]
  {
    let own = try open(units: [service]).tail(count)
    let health = try open(units: [healthUnit]).tail(count + 1_000).compactMap { Self.entry($0, of: process) }
    return Array((own + health).sorted { $0.realtimeMicroseconds < $1.realtimeMicroseconds }.suffix(count))
  }

  /// A health-unit entry as the line of `process`, or nil when it speaks of another process.
  public static func entry(_ entry: JournalEntry, of process: String) -> JournalEntry? {
    let prefix = process + ": "
    guard entry.message.hasPrefix(prefix) else { return nil }
    var line = entry
    line.message = String(entry.message.dropFirst(prefix.count))
    return line
  }

  /// `"<yyyy-MM-dd HH:mm:ss> <message>"`, the time in `timeZone`.
  public static func line(_ entry: JournalEntry, timeZone: TimeZone = .current) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = timeZone
    formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
    // Whole seconds, truncated: the formatter would round 20.999999 up to 21.
    let date = Date(timeIntervalSince1970: Double(entry.realtimeMicroseconds / 1_000_000))
    return formatter.string(from: date) + " " + entry.message
  }
}
