import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// What a running private manager's state file (`<runtime>/manager.json`) records, so that any
/// later cgipool command can find it, check it and clean up after it.
public struct PrivateManagerState: Codable, Sendable, Equatable {
  /// The manager's PID (the launcher execs into systemd, so it is systemd's PID).
  public var pid: Int32
  /// The runtime folder (`XDG_RUNTIME_DIR` of the manager).
  public var runtimeDirectory: String
  /// The cgroup name below each hierarchy root.
  public var cgroupName: String
  /// The cgroup directories created for the manager, one per hierarchy.
  public var cgroupDirectories: [String]
  /// The D-Bus address of the manager's private socket.
  public var busAddress: String
  /// The systemd binary that was started.
  public var systemdPath: String
  /// When the launcher was spawned, in seconds since 1970.
  public var startedAt: Double

  /// Reads the state file; nil when absent or unreadable (treated as "not running").
  static func read(from path: String) -> PrivateManagerState? {
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    return try? JSONDecoder().decode(PrivateManagerState.self, from: data)
  }

  /// Writes the state file atomically, mode 0600.
  func write(to path: String) throws(ManagerError) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let data: Data
    do {
      data = try encoder.encode(self)
    } catch {
      throw .fileSystem(operation: "write", path: path, errno: EIO)
    }
    // Private (0600): it names the manager's PID and bus; never written through a planted link.
    do {
      try Posix.writeAtomically([UInt8](data), to: path, mode: 0o600)
    } catch {
      throw .fileSystem(operation: error.operation, path: error.path, errno: error.errno)
    }
  }
}
