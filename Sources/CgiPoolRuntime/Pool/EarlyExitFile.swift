import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The early exits `start` saw, kept for `status` after the manager has forgotten them.
///
/// A transient unit whose process ended successfully is unloaded at once (nothing references
/// it), so the manager can no longer say how it ended. `start` records its explanation here,
/// one `process<TAB>explanation` line each, beside the pool's liveness state
/// (`HealthStateLocation`); `status` shows it while the unit stays unloaded, and the next
/// `start` or `stop` of that process clears it.
public struct EarlyExitFile: Sendable {
  /// The file's path: `<pool>.exits` in the pool's state folder.
  public var path: String

  /// The file beside `healthState`, the pool's liveness state file.
  public init(besideHealthState healthState: HealthStateFile) {
    path = (healthState.path as NSString).deletingPathExtension + ".exits"
  }

  /// The explanations by process; empty when there is no file.
  public func read() -> [String: String] {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [:] }
    var entries: [String: String] = [:]
    for line in text.split(separator: "\n") {
      let fields = line.split(separator: "\t", maxSplits: 1)
      if fields.count == 2 { entries[String(fields[0])] = String(fields[1]) }
    }
    return entries
  }

  /// Records `explanations` and forgets `cleared` processes; a failure to write is not the
  /// start's failure, so it is ignored (status then just says less).
  public func update(recording explanations: [String: String], clearing cleared: [String]) {
    var entries = read()
    for process in cleared { entries[process] = nil }
    entries.merge(explanations) { $1 }
    if entries.isEmpty {
      unlink(path)
      return
    }
    let text = entries.keys.sorted().map { process in
      process + "\t" + String(entries[process]!.map { $0 == "\t" || $0 == "\n" || $0 == "\r" ? " " : $0 }) + "\n"
    }.joined()
    let directory = (path as NSString).deletingLastPathComponent
    if mkdir(directory, 0o755) != 0 && errno != EEXIST { return }
    // Best effort: the record only adds words to a later status.
    try? Posix.writeAtomically(Array(text.utf8), to: path, mode: 0o644)
  }
}
