import Foundation

/// Counts a unit's consecutive failed liveness checks across probe runs.
///
/// Each liveness check is a fresh process (a oneshot unit started by a timer), so
/// the count lives in a small file: `<directory>/<unit>.failures`.
public struct LivenessTracker: Sendable {
  /// The folder holding the counters.
  public var directory: String
  /// The main unit being checked.
  public var unit: String

  /// Creates a tracker for `unit`.
  public init(directory: String, unit: String) {
    self.directory = directory
    self.unit = unit
  }

  /// The counter folder for a manager: beside a private manager's socket, else `/run/cgipool/health`.
  public static func directory(busAddress: String?) -> String {
    let suffix = "/systemd/private"
    if let busAddress, busAddress.hasPrefix("unix:path="), busAddress.hasSuffix(suffix) {
      return String(busAddress.dropFirst("unix:path=".count).dropLast(suffix.count)) + "/health"
    }
    return "/run/cgipool/health"
  }

  private var path: String { directory + "/" + unit + ".failures" }

  /// The consecutive failures recorded so far.
  public func failures() -> Int {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return 0 }
    return Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
  }

  /// Records a healthy check: the count starts over.
  public func recordSuccess() {
    try? FileManager.default.removeItem(atPath: path)
  }

  /// Records a failed check and returns the new consecutive count.
  public func recordFailure() -> Int {
    let count = failures() + 1
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try? Data("\(count)\n".utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    return count
  }
}
