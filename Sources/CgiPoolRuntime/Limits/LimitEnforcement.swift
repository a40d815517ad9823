import Foundation
import ProcessConfig

/// Whether the kernel enforces a process's `limits` in the cgroup systemd gave it.
///
/// systemd accepts `MemoryMax=`, `CPUQuota=` and `TasksMax=` whether or not it can apply
/// them: a manager without the controller (a user manager on a cgroup v1 host, where the
/// memory, cpu and pids hierarchies are not delegated to it) keeps the setting and silently
/// runs the process unlimited. The only proof is the controller's file in the unit's cgroup,
/// in the unified (v2) hierarchy or in the controller's own v1 hierarchy.
public struct LimitEnforcement: Sendable {
  /// The cgroup file system's mount point.
  public var root: String

  /// Creates a checker for the cgroup file system at `root`.
  public init(root: String = "/sys/fs/cgroup") {
    self.root = root
  }

  /// The limit keys of `limits` that are not enforced for a unit in `controlGroup`
  /// (the unit's `ControlGroup` property), each with the controller it lacks.
  public func unenforced(_ limits: Limits, controlGroup: String) -> [(key: String, controller: String)] {
    var missing: [(String, String)] = []
    if limits.memoryBytes != nil, !has(controlGroup, v2: "memory.max", v1: ["memory/memory.limit_in_bytes"]) {
      missing.append(("memory", "memory"))
    }
    if limits.cpuPercent != nil,
      !has(controlGroup, v2: "cpu.max", v1: ["cpu,cpuacct/cpu.cfs_quota_us", "cpu/cpu.cfs_quota_us"])
    {
      missing.append(("cpu", "cpu"))
    }
    if limits.tasks != nil, !has(controlGroup, v2: "pids.max", v1: ["pids/pids.max"]) {
      missing.append(("tasks", "pids"))
    }
    return missing
  }

  /// Whether the controller file exists for the cgroup, in v2 or in one of the v1 hierarchies.
  private func has(_ group: String, v2 file: String, v1 files: [String]) -> Bool {
    let unified = FileManager.default.fileExists(atPath: root + "/cgroup.controllers") ? root : root + "/unified"
    if FileManager.default.fileExists(atPath: unified + group + "/" + file) { return true }
    return files.contains { entry in
      let parts = entry.split(separator: "/", maxSplits: 1).map(String.init)
      return FileManager.default.fileExists(atPath: root + "/" + parts[0] + group + "/" + parts[1])
    }
  }
}
