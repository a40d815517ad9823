/// A `limits` entry the manager accepted but the kernel will not apply to a process.
public struct UnenforcedLimit: Sendable, Equatable {
  /// The process.
  public var process: String
  /// The key under `limits` (`memory`, `cpu`, `tasks`).
  public var key: String
  /// The cgroup controller its unit's cgroup lacks.
  public var controller: String

  /// Creates an entry.
  public init(process: String, key: String, controller: String) {
    self.process = process
    self.key = key
    self.controller = controller
  }

  /// The warning `start` prints.
  public var message: String {
    "\(process): limits.\(key) is not enforced: the manager has no \(controller) cgroup controller for its unit "
      + "(systemd keeps the setting but the process runs without that limit)"
  }
}
