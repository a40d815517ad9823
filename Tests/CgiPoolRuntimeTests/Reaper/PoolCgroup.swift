import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A real cgroup shaped like a pool unit,
/// `<mount>/cgipool-reaper-<token>/<pool>.slice/<pool>-x.service`, in the
/// unified hierarchy and (on hybrid hosts) the name=systemd one; removed by `remove()`.
final class PoolCgroup {
  /// The unit folders, one per hierarchy.
  let leaves: [String]
  /// The folders created, deepest first.
  private let created: [String]

  /// Mount points of the unified (cgroup2) and name=systemd (v1) hierarchies.
  static var mountPoints: [String] {
    guard let mounts = try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8) else { return [] }
    return mounts.split(separator: "\n").compactMap { line in
      let fields = line.split(separator: " ")
      guard fields.count >= 4 else { return nil }
      let isUnified = fields[2] == "cgroup2"
      let isSystemd = fields[2] == "cgroup" && fields[3].split(separator: ",").contains("name=systemd")
      return isUnified || isSystemd ? String(fields[1]) : nil
    }.sorted()
  }

  /// Whether a test can create such cgroups here (root, with a writable hierarchy).
  static var available: Bool {
    getuid() == 0 && !mountPoints.isEmpty && mountPoints.allSatisfy { access($0, W_OK) == 0 }
  }

  init(token: String, pool: String) throws {
    var leaves: [String] = []
    var created: [String] = []
    for mount in Self.mountPoints {
      let top = "\(mount)/cgipool-reaper-\(token)"
      let slice = "\(top)/\(pool).slice"
      let leaf = "\(slice)/\(pool)-x.service"
      try FileManager.default.createDirectory(atPath: leaf, withIntermediateDirectories: true)
      leaves.append(leaf)
      created += [leaf, slice, top]
    }
    self.leaves = leaves
    self.created = created
  }

  /// Moves `pid` into the unit folder of every hierarchy.
  func move(_ pid: Int32) throws {
    for leaf in leaves {
      try "\(pid)\n".write(toFile: leaf + "/cgroup.procs", atomically: false, encoding: .utf8)
    }
  }

  /// Removes the folders (cgroups can only be removed once no process is left in them).
  func remove() {
    for folder in created {
      for _ in 0..<300 where rmdir(folder) != 0 && errno == EBUSY {
        usleep(10_000)
      }
    }
  }
}
