import Foundation

/// The private `/tmp` and `/var/tmp` folders systemd made for a unit (`PrivateTmp=`, which
/// `sandbox: strict` sets).
///
/// A manager removes them when the unit stops; a manager that died cannot, so
/// `DeadManager.end` removes them once the unit's processes are gone. They are read from the
/// mount table of one of the unit's own processes: exactly the folders mounted on its `/tmp` and
/// `/var/tmp`. A name pattern alone would not do, since a unit of the same name under another
/// manager gets folders of the same pattern.
enum PrivateTemporaryFolders {
  /// The folders `/tmp` and `/var/tmp` of process `pid` of `unit` come from, as paths this
  /// process sees; empty when it has none (or is gone).
  static func of(pid: Int32, unit: String) -> [String] {
    guard let theirs = MountTable.read(pid: String(pid)), let ours = MountTable.read() else { return [] }
    return ["/tmp", "/var/tmp"].compactMap { point in
      guard let entry = theirs.mount(at: point), let mounted = ours.path(of: entry) else { return nil }
      let folder = (mounted as NSString).deletingLastPathComponent
      guard (mounted as NSString).lastPathComponent == "tmp", isNamed(folder, for: unit) else { return nil }
      return folder
    }
  }

  /// Whether `folder` is named as systemd names them: `systemd-private-<boot id>-<unit>-<random>`.
  static func isNamed(_ folder: String, for unit: String) -> Bool {
    let name = Substring((folder as NSString).lastPathComponent)
    let prefix = "systemd-private-"
    guard name.hasPrefix(prefix) else { return false }
    let afterPrefix = name.dropFirst(prefix.count)
    let bootID = afterPrefix.prefix(32)
    guard bootID.count == 32, bootID.allSatisfy(\.isHexDigit) else { return false }
    let rest = afterPrefix.dropFirst(32)
    guard rest.hasPrefix("-\(unit)-") else { return false }
    let random = rest.dropFirst(unit.count + 2)
    return !random.isEmpty && !random.contains("/")
  }
}
