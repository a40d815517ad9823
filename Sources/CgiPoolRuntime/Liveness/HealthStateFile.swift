import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The file the health unit publishes its last results in, and `status` reads.
///
/// One line per process, sorted, tab-separated: `process healthy|unhealthy failures checked message`.
/// Written to a temporary file in the same folder and renamed over the old one, so a reader
/// never sees half a file; the folder is created 0755 and the file 0644 (nothing secret: the
/// same lines go to the process's log).
public struct HealthStateFile: Sendable {
  /// The file's path.
  public var path: String

  /// The first line, naming the format.
  static let header = "# cgipool liveness state v1"

  /// A state file at `path`.
  public init(path: String) {
    self.path = path
  }

  /// The records in the file, by process; empty when there is none (or it cannot be read).
  public func read() -> [String: HealthRecord] {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [:] }
    var records: [String: HealthRecord] = [:]
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
      let fields = line.split(separator: "\t", maxSplits: 4, omittingEmptySubsequences: false)
      guard fields.count == 5, let failures = Int(fields[2]), let checked = UInt64(fields[3]) else { continue }
      let process = String(fields[0])
      records[process] = HealthRecord(
        process: process, healthy: fields[1] == "healthy", failures: failures, checkedMonotonic: checked,
        message: String(fields[4]))
    }
    return records
  }

  /// Replaces the file with `records` (sorted by process); throws when the folder cannot be written.
  public func write(_ records: [HealthRecord]) throws {
    var text = Self.header + "\n"
    for record in records.sorted(by: { $0.process < $1.process }) {
      // Tabs and newlines would split the record.
      let message = record.message.map { $0 == "\t" || $0 == "\n" || $0 == "\r" ? " " : $0 }
      text += "\(record.process)\t\(record.healthy ? "healthy" : "unhealthy")\t\(record.failures)\t\(record.checkedMonotonic)\t"
      text += String(message) + "\n"
    }
    let directory = (path as NSString).deletingLastPathComponent
    if mkdir(directory, 0o755) != 0 && errno != EEXIST {
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }
    do {
      try Posix.writeAtomically(Array(text.utf8), to: path, mode: 0o644)
    } catch {
      throw POSIXError(POSIXErrorCode(rawValue: error.errno) ?? .EIO)
    }
  }
}
