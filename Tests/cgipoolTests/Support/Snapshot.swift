import CgiPoolTestKit
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

  /// Expects `actual` to equal the snapshot `name` (`Golden`, so `CGIPOOL_RECORD=1` records it).
  static func expect(_ actual: String, matches name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    Golden.expect(actual, matchesFileAt: directory.appendingPathComponent(name + ".txt"), sourceLocation: sourceLocation)
  }
}
