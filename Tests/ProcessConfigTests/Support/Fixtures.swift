import CgiPoolTestKit
import Foundation
import Testing

/// Locates the fixture files beside these tests and records their expected output.
enum Fixtures {
  /// `Tests/ProcessConfigTests/Fixtures`, found from this file's path so no resources are bundled.
  static let directory: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // Support
    .deletingLastPathComponent()  // ProcessConfigTests
    .appendingPathComponent("Fixtures")

  /// The `.json` files of a fixture folder (`valid` or `invalid`), sorted by name.
  static func names(in folder: String) -> [String] {
    let url = directory.appendingPathComponent(folder)
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
    return entries.filter { $0.hasSuffix(".json") }.sorted()
  }

  /// The bytes of `folder/name`.
  static func bytes(_ folder: String, _ name: String) throws -> [UInt8] {
    let data = try Data(contentsOf: directory.appendingPathComponent(folder).appendingPathComponent(name))
    return Array(data)
  }

  /// Compares `actual` with the `.expected` file beside `invalid/name`, or writes it when recording.
  static func expectMatchesExpected(
    _ actual: String, for name: String, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let url = directory.appendingPathComponent("invalid")
      .appendingPathComponent((name as NSString).deletingPathExtension + ".expected")
    Golden.expect(actual, matchesFileAt: url, sourceLocation: sourceLocation)
  }
}
