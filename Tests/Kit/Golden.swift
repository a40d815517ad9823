import Foundation
import Testing

/// The tests' one golden-file comparison: expected output kept in a file beside the tests.
///
/// Run with `CGIPOOL_RECORD=1` to (re)write the files from the actual output; review the diff
/// before committing.
public enum Golden {
  /// Whether golden files are being re-recorded (`CGIPOOL_RECORD=1`).
  public static var isRecording: Bool {
    ProcessInfo.processInfo.environment["CGIPOOL_RECORD"] == "1"
  }

  /// Expects `actual` to equal the contents of `url`, or writes it there when recording.
  public static func expect(_ actual: String, matchesFileAt url: URL, sourceLocation: SourceLocation = #_sourceLocation) {
    if isRecording {
      do {
        try Data(actual.utf8).write(to: url)
      } catch {
        Issue.record("cannot record \(url.lastPathComponent): \(error)", sourceLocation: sourceLocation)
      }
      return
    }
    guard let data = FileManager.default.contents(atPath: url.path) else {
      Issue.record(
        "missing \(url.lastPathComponent); run with CGIPOOL_RECORD=1 to record it. Actual:\n\(actual)",
        sourceLocation: sourceLocation)
      return
    }
    let expected = String(decoding: data, as: UTF8.self)
    #expect(actual == expected, "output differs from \(url.lastPathComponent)", sourceLocation: sourceLocation)
  }
}
