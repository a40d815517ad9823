import Foundation
import Testing

/// Golden-file comparison against `Tests/cgipoolTests/Snapshots/<name>.txt`.
///
/// Run with `CGIPOOL_RECORD=1` to (re)write the snapshots from the actual output; review
/// the diff before committing. The folder's `.editorconfig` and `.gitattributes` keep
/// editors and git from changing whitespace or line endings.
enum Snapshot {
  /// The snapshot folder, found from this file's path.
  static let directory: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // Support
    .deletingLastPathComponent()  // cgipoolTests
    .appendingPathComponent("Snapshots")

  /// Whether snapshots are being re-recorded.
  static var isRecording: Bool {
    ProcessInfo.processInfo.environment["CGIPOOL_RECORD"] == "1"
  }

  /// Expects `actual` to equal the snapshot `name`, or records it when recording.
  static func expect(_ actual: String, matches name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let url = directory.appendingPathComponent(name + ".txt")
    if isRecording {
      do {
        try Data(actual.utf8).write(to: url)
      } catch {
        Issue.record("cannot record snapshot \(name): \(error)", sourceLocation: sourceLocation)
      }
      return
    }
    guard let data = FileManager.default.contents(atPath: url.path) else {
      Issue.record(
        "missing snapshot \(name).txt; run with CGIPOOL_RECORD=1 to record it. Actual:\n\(actual)",
        sourceLocation: sourceLocation)
      return
    }
    let expected = String(decoding: data, as: UTF8.self)
    #expect(actual == expected, "output differs from snapshot \(name).txt", sourceLocation: sourceLocation)
  }
}
