import Foundation

/// A real journal file written for a test, in a fresh folder, by `systemd-journal-remote`
/// (which turns journal export format into a journal file without journald running).
///
/// Entries carry any fields the test chooses, trusted ones like `_SYSTEMD_UNIT` included, so
/// the reader under test sees exactly what journald would have stored for a unit.
public struct JournalFixture: Sendable {
  /// One entry to write.
  public struct Entry: Sendable {
    /// `__REALTIME_TIMESTAMP`, microseconds since the epoch.
    public var realtimeMicroseconds: UInt64
    /// The other fields (`MESSAGE`, `_SYSTEMD_UNIT`, ...); values must not contain newlines.
    public var fields: [(String, String)]

    /// Creates an entry.
    public init(realtimeMicroseconds: UInt64, fields: [(String, String)]) {
      self.realtimeMicroseconds = realtimeMicroseconds
      self.fields = fields
    }

    /// An entry of `unit` (as `_SYSTEMD_UNIT`, or `field`) with `message`.
    public static func unit(
      _ unit: String, _ message: String, at realtimeMicroseconds: UInt64, field: String = "_SYSTEMD_UNIT"
    ) -> Entry {
      Entry(realtimeMicroseconds: realtimeMicroseconds, fields: [("MESSAGE", message), (field, unit)])
    }
  }

  /// Why the fixture could not be made.
  public struct Failure: Error, CustomStringConvertible {
    /// What went wrong.
    public var description: String
  }

  /// The writer; `ops/install-deps.sh` installs it (package systemd-journal-remote).
  public static let writer = "/lib/systemd/systemd-journal-remote"

  /// The folder holding the journal file (for `sd_journal_open_directory`).
  public let directory: String
  /// The journal file itself (for `sd_journal_open_files`).
  public var file: String { directory + "/test.journal" }

  /// Creates an empty folder for a journal; no file exists until `append` runs.
  public init() throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("cgipool-journal-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  }

  /// Appends `entries` to the journal file (created on first use).
  public func append(_ entries: [Entry]) throws {
    guard FileManager.default.isExecutableFile(atPath: Self.writer) else {
      throw Failure(description: "\(Self.writer) is missing: install systemd-journal-remote (ops/install-deps.sh does)")
    }
    // One fixed boot and a growing monotonic clock, as one machine's journald would write.
    var text = ""
    for (index, entry) in entries.enumerated() {
      text += "__REALTIME_TIMESTAMP=\(entry.realtimeMicroseconds)\n"
      text += "__MONOTONIC_TIMESTAMP=\(entry.realtimeMicroseconds % 1_000_000_000_000 + UInt64(index))\n"
      text += "_BOOT_ID=0123456789abcdef0123456789abcdef\n"
      for (name, value) in entry.fields { text += "\(name)=\(value)\n" }
      text += "\n"
    }
    let input = directory + "/input-\(UUID().uuidString).export"
    try Data(text.utf8).write(to: URL(fileURLWithPath: input))
    defer { try? FileManager.default.removeItem(atPath: input) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Self.writer)
    process.arguments = ["-o", file, "-"]
    process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: input))
    let errors = Pipe()
    process.standardOutput = FileHandle.nullDevice
    process.standardError = errors
    try process.run()
    let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw Failure(description: "systemd-journal-remote failed (\(process.terminationStatus)): \(message)")
    }
  }

  /// Removes the folder.
  public func remove() {
    try? FileManager.default.removeItem(atPath: directory)
  }
}
