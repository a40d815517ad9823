import CgiPoolTestSupport
import Foundation
import Testing

@testable import CgiPoolRuntime

#if canImport(Glibc)
  import Glibc
#endif

/// Stray processes a test starts itself, in a private folder whose name carries
/// a random token; `cleanup()` ends exactly these processes, by PID.
final class StrayProcesses {
  /// The random token in every path this fixture creates.
  let token = String(UInt64.random(in: 1 << 40..<1 << 44), radix: 16)
  /// The private folder.
  let folder: String
  /// Children spawned here, still to be waited for.
  private var children: [Int32] = []
  /// Other processes found to belong to this fixture (grandchildren), to end by identity.
  private var others: [ProcessIdentity] = []

  init() throws {
    folder = NSTemporaryDirectory() + "cgipool-reaper-\(token)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
  }

  /// Writes an executable file at `name` (relative to the folder) and returns its path.
  @discardableResult
  func script(_ name: String, _ text: String) throws -> String {
    let path = folder + "/" + name
    try FileManager.default.createDirectory(
      atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    return path
  }

  /// Creates a symlink at `name` pointing to `target` and returns its path.
  func symlink(_ name: String, to target: String) throws -> String {
    let path = folder + "/" + name
    try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
    return path
  }

  /// Starts `argv` (absolute `argv[0]`) in a new session with default signal
  /// handling and stdio on /dev/null, and waits until it has exec'd (its
  /// cmdline starts with `startingWith`, or else contains the folder's token).
  func spawn(_ argv: [String], startingWith prefix: String? = nil) throws -> Int32 {
    let pid = try CleanSpawn.spawn(argv, newSession: true)
    children.append(pid)
    try waitUntil("pid \(pid) runs \(argv)") {
      guard let cmdline = Self.cmdline(pid) else { return false }
      return prefix.map { cmdline.hasPrefix($0) } ?? cmdline.contains(token)
    }
    return pid
  }

  /// Remembers a process that is not a child (a double-forked grandchild) for cleanup.
  func adopt(_ identity: ProcessIdentity) {
    others.append(identity)
  }

  /// Ends every process this fixture started (by PID), waits for its children, removes the folder.
  func cleanup() {
    for identity in others where Self.identity(identity.pid) == identity {
      kill(identity.pid, SIGKILL)
    }
    for pid in children {
      // A child not yet waited for cannot have been replaced, so its PID, and the
      // process group it leads since its setsid, are still ours: end the group.
      kill(-pid, SIGKILL)
      kill(pid, SIGKILL)
      var status: Int32 = 0
      while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }
    children.removeAll()
    try? FileManager.default.removeItem(atPath: folder)
  }

  /// The argv of `pid` joined with spaces, `nil` when unreadable.
  static func cmdline(_ pid: Int32) -> String? {
    guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
    return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\0", with: " ")
  }

  /// The identity of `pid` now, `nil` when it is gone or has exited (zombie).
  static func identity(_ pid: Int32) -> ProcessIdentity? {
    guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/stat"),
      let stat = ProcStat(Array(data)[...]), !stat.hasExited
    else { return nil }
    return ProcessIdentity(pid: pid, startTime: stat.startTime)
  }

  /// The parent PID of `pid`, `nil` when gone.
  static func parent(_ pid: Int32) -> Int32? {
    guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/stat"),
      let stat = ProcStat(Array(data)[...])
    else { return nil }
    return stat.ppid
  }

  /// Whether the process with this identity is still running (not exited, not replaced).
  static func isRunning(_ identity: ProcessIdentity) -> Bool {
    Self.identity(identity.pid) == identity
  }

  /// Reads a PID a script wrote into `name` in the folder, waiting for it to appear.
  func pid(fromFile name: String) throws -> Int32 {
    var pid: Int32?
    try waitUntil("\(name) written") {
      // Only a complete line counts, so a half-written number is never taken.
      pid = (try? String(contentsOfFile: folder + "/" + name, encoding: .utf8))
        .flatMap { $0.hasSuffix("\n") ? Int32($0.dropLast()) : nil }
      return pid != nil
    }
    return pid!
  }
}

/// A wait that gave up.
struct WaitTimeout: Error, CustomStringConvertible {
  var what: String
  var description: String { "timed out waiting for \(what)" }
}

/// Polls `condition` every 10 ms for up to `seconds` (a generous bound, not a timing assertion).
func waitUntil(_ what: String, seconds: Double = 10, _ condition: () -> Bool) throws {
  let deadline = Date().addingTimeInterval(seconds)
  while !condition() {
    guard Date() < deadline else { throw WaitTimeout(what: what) }
    usleep(10_000)
  }
}
