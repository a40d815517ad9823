import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The instance counts `cgipool scale` gave the running pool, which its config does not say.
///
/// One `process<TAB>count` line each, beside the pool's liveness state (`HealthStateLocation`).
/// A stop of the whole pool, and a start of a replicated process (which starts the config's
/// count), forget the process's entry: the config is the source of truth again.
public struct ScaledReplicasFile: Sendable {
  /// The file's path: `<pool>.scaled` in the pool's state folder.
  public var path: String

  /// The file beside `healthState`, the pool's liveness state file.
  public init(besideHealthState healthState: HealthStateFile) {
    path = (healthState.path as NSString).deletingPathExtension + ".scaled"
  }

  /// The recorded counts by process; empty when there is no file.
  public func read() -> [String: Int] {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [:] }
    var entries: [String: Int] = [:]
    for line in text.split(separator: "\n") {
      let fields = line.split(separator: "\t", maxSplits: 1)
      if fields.count == 2, let count = Int(fields[1]) { entries[String(fields[0])] = count }
    }
    return entries
  }

  /// Records `counts` and forgets `cleared` processes (all of them when nil).
  public func update(recording counts: [String: Int], clearing cleared: [String]?) throws {
    var entries = cleared == nil ? [:] : read()
    for process in cleared ?? [] { entries[process] = nil }
    entries.merge(counts) { $1 }
    if entries.isEmpty {
      unlink(path)
      return
    }
    let text = entries.keys.sorted().map { "\($0)\t\(entries[$0]!)\n" }.joined()
    let directory = (path as NSString).deletingLastPathComponent
    if mkdir(directory, 0o755) != 0 && errno != EEXIST {
      throw ManagerError.fileSystem(operation: "mkdir", path: directory, errno: errno)
    }
    try Posix.writeAtomically(Array(text.utf8), to: path, mode: 0o644)
  }
}
