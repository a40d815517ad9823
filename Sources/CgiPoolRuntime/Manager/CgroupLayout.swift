#if canImport(Glibc)
import Glibc
#endif

/// The cgroup hierarchies a private manager is placed in: on a pure cgroup v2 host the one
/// unified hierarchy at `/sys/fs/cgroup`; on a hybrid or legacy host the named `systemd` v1
/// hierarchy plus, when mounted, the v2 one at `/sys/fs/cgroup/unified`.
public struct CgroupLayout: Sendable, Equatable {
  /// How the host mounts cgroups.
  public enum Mode: String, Sendable {
    /// cgroup v2 only.
    case unified
    /// v1 `name=systemd` plus v2 at `unified/`.
    case hybrid
    /// v1 `name=systemd` only.
    case legacy
  }

  /// The detected mode.
  public var mode: Mode
  /// The hierarchy roots to create the manager's cgroup in, in creation order.
  public var hierarchies: [String]

  /// Inspects the mounts at `/sys/fs/cgroup` (or `root`) and below it.
  public static func detect(root: String = "/sys/fs/cgroup") throws(ManagerError) -> CgroupLayout {
    if Posix.mount(at: root)?.type == "cgroup2" {
      return CgroupLayout(mode: .unified, hierarchies: [root])
    }
    let named = root + "/systemd"
    let unified = root + "/unified"
    guard let mount = Posix.mount(at: named), mount.type == "cgroup", mount.options.contains("name=systemd") else {
      throw .cgroup("neither a cgroup2 file system at \(root) nor a name=systemd hierarchy at \(named)")
    }
    if Posix.mount(at: unified)?.type == "cgroup2" {
      return CgroupLayout(mode: .hybrid, hierarchies: [named, unified])
    }
    return CgroupLayout(mode: .legacy, hierarchies: [named])
  }

  /// The manager's cgroup directory in each hierarchy.
  public func directories(for name: String) -> [String] {
    hierarchies.map { $0 + "/" + name }
  }

  /// Every PID in `directory` and the cgroups below it.
  static func processes(under directory: String) -> [pid_t] {
    var pids: [pid_t] = []
    if let text = try? String(contentsOfFile: directory + "/cgroup.procs", encoding: .utf8) {
      pids += text.split(separator: "\n").compactMap { pid_t($0) }
    }
    for child in Posix.subdirectories(directory) {
      pids += processes(under: child)
    }
    return pids
  }

  /// Removes `directory` and the cgroups below it, deepest first (`rmdir`; the control files
  /// inside vanish with their cgroup). Missing directories are fine.
  static func removeTree(_ directory: String) throws(ManagerError) {
    guard Posix.isDirectory(directory) else { return }
    for child in Posix.subdirectories(directory) {
      try removeTree(child)
    }
    if rmdir(directory) != 0 && errno != ENOENT {
      throw .fileSystem(operation: "rmdir", path: directory, errno: errno)
    }
  }
}

import Foundation
