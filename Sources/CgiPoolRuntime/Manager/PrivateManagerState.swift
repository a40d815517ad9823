import Foundation

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
    do {
      let data = try encoder.encode(self)
      try data.write(to: URL(fileURLWithPath: path), options: .atomic)
      try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
    } catch {
      throw .fileSystem(operation: "write", path: path, errno: EIO)
    }
  }
}
