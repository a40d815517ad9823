/// Decides from a process's cgroup whether it belongs to one of the pool's units.
///
/// The pool's units live in `<pool>.slice`; under systemd every process a unit
/// starts stays in that unit's cgroup, so membership is read from
/// `/proc/PID/cgroup`, never from the parent. The lines consulted are the
/// unified one (`0::/path`, cgroup v2 and hybrid hosts) and the
/// `name=systemd` one (the v1 hierarchy systemd tracks units in on hybrid and
/// legacy hosts); a process is a member when *either* path has a component
///
/// - equal to `<pool>.slice`, or
/// - naming a unit of the pool: `<pool>.<type>`, `<pool>-*.<type>` or
///   `<pool>@*.<type>` with type `service`, `scope` or `slice`.
///
/// The one exception: `<pool>-orphans-*.scope`, the transient scopes
/// `ScopeTerminator` moves orphans into to end them, holds orphans, not members,
/// so a process that survived there is still found by the next scan.
///
/// Like systemd's own slice naming, `<pool>-*` also covers a pool whose name
/// extends this one (`cgipool-dev` for `cgipool`); those processes are left
/// alone, the safe side for a reaper.
public struct PoolMembership: Sendable, Equatable {
  /// The pool's name, the prefix of its units.
  public let poolName: String

  /// The unit types whose cgroups can hold processes.
  static let unitSuffixes = [".service", ".scope", ".slice"]

  /// Creates the membership test for the pool named `poolName`.
  public init(poolName: String) {
    self.poolName = poolName
  }

  /// Whether the contents of a `/proc/PID/cgroup` file place the process in the pool.
  ///
  /// Returns `nil` when the text has neither a unified nor a `name=systemd`
  /// line, so membership cannot be decided from it (the reaper then knows no
  /// systemd tracks the process, so it is in none of the pool's units).
  public func contains(cgroupFile text: String) -> Bool? {
    var sawTrackingLine = false
    for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
      // Format: hierarchy-ID:controller-list:path (the path may itself contain ':').
      let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
      guard fields.count == 3 else { continue }
      let isUnified = fields[0] == "0" && fields[1].isEmpty
      let isSystemdV1 = fields[1].split(separator: ",").contains("name=systemd")
      guard isUnified || isSystemdV1 else { continue }
      sawTrackingLine = true
      if contains(cgroupPath: String(fields[2])) { return true }
    }
    return sawTrackingLine ? false : nil
  }

  /// Whether a cgroup path (`/cgipool.slice/cgipool-web.service`) lies inside the pool.
  public func contains(cgroupPath path: String) -> Bool {
    path.split(separator: "/").contains { isPoolUnit(String($0)) }
  }

  /// Whether one path component names the pool's slice or one of its units.
  func isPoolUnit(_ component: String) -> Bool {
    guard let suffix = Self.unitSuffixes.first(where: { component.hasSuffix($0) }) else { return false }
    if isOrphanScope(component) { return false }
    let stem = component.dropLast(suffix.count)
    if stem == poolName { return true }
    guard stem.hasPrefix(poolName) else { return false }
    let separator = stem.dropFirst(poolName.count).first
    return (separator == "-" || separator == "@" || separator == ".") && stem.count > poolName.count + 1
  }

  /// Whether a unit name is one of the pool's orphan scopes, `<pool>-orphans-<token>.scope`.
  public func isOrphanScope(_ unit: String) -> Bool {
    let prefix = poolName + ScopeTerminator.scopeInfix
    return unit.hasSuffix(".scope") && unit.hasPrefix(prefix) && unit.count > prefix.count + ".scope".count
  }

  /// The pool unit (service or scope, never an orphan scope) named by the deepest matching
  /// component of any of `paths` (the lines of `/proc/PID/cgroup`), or nil when none does.
  public func unit(cgroupPaths paths: [String]) -> String? {
    for path in paths {
      let components = path.split(separator: "/").map(String.init)
      if let unit = components.last(where: { isPoolUnit($0) && !$0.hasSuffix(".slice") }) { return unit }
    }
    return nil
  }
}
