import SystemdBus

/// Why a systemd manager could not be found, started or stopped.
public enum ManagerError: Error, Sendable, Equatable, CustomStringConvertible {
  /// Starting or stopping the private manager needs root (mounts, cgroups).
  case notRoot(action: String)
  /// Something the private manager needs is missing on this host.
  case missingPrerequisite(String)
  /// No usable cgroup hierarchy was found, or a cgroup could not be set up.
  case cgroup(String)
  /// A file-system operation failed.
  case fileSystem(operation: String, path: String, errno: Int32)
  /// `posix_spawn` of the launcher failed.
  case spawnFailed(command: String, errno: Int32)
  /// The manager process ended before its private socket answered.
  case exitedDuringStartup(pid: Int32, logTail: String)
  /// The private socket did not answer within the start timeout.
  case startTimedOut(seconds: Int, logTail: String)
  /// The manager process did not go away within the stop timeout, even after SIGKILL.
  case stopTimedOut(pid: Int32)
  /// The selected manager could not be reached.
  case unreachable(manager: String, error: BusError)
  /// No manager is running (and none was to be started).
  case noManagerRunning
  /// A folder cgipool keeps its own state in is not safe to use: a symbolic link, not a
  /// folder, or owned by another user (someone could read or replace what it holds).
  case unsafeFolder(path: String, reason: String)

  /// A one-paragraph explanation for the user.
  public var description: String {
    switch self {
    case .notRoot(let action):
      return "\(action) needs root: the private systemd manager mounts a tmpfs in its own mount namespace and creates cgroups (run with sudo, or use --user/--bus to talk to an existing manager)"
    case .missingPrerequisite(let what):
      return what
    case .cgroup(let what):
      return "cgroup setup failed: \(what)"
    case .fileSystem(let operation, let path, let errno):
      return "\(operation) \(path): \(ManagerError.describe(errno))"
    case .spawnFailed(let command, let errno):
      return "could not run \(command): \(ManagerError.describe(errno))"
    case .exitedDuringStartup(let pid, let logTail):
      return "the private manager (pid \(pid)) exited during startup" + ManagerError.log(logTail)
    case .startTimedOut(let seconds, let logTail):
      return "the private manager did not answer on its private socket within \(seconds) s" + ManagerError.log(logTail)
    case .stopTimedOut(let pid):
      return "the private manager (pid \(pid)) did not exit"
    case .unreachable(let manager, let error):
      return "cannot reach the \(manager): \(error)"
    case .noManagerRunning:
      return "no manager running"
    case .unsafeFolder(let path, let reason):
      return "refusing to use \(path): \(reason); remove it (cgipool creates it itself)"
    }
  }

  static func describe(_ errno: Int32) -> String {
    String(cString: strerror(errno))
  }

  private static func log(_ tail: String) -> String {
    tail.isEmpty ? "" : "; its log ends with:\n" + tail
  }
}

#if canImport(Glibc)
import Glibc
#endif
