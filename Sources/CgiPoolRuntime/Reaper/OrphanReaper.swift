import ProcessConfig

/// Finds the pool's orphans in one pass over `/proc` and ends them.
///
/// An orphan is a process whose command matches one of the pool's
/// `OrphanPattern`s while it runs outside the pool's units (see
/// `PoolMembership`). Never touched: this process, its ancestors, PID 1,
/// kernel threads, members of the pool's units, and (unless
/// `includeOtherUsers`) processes whose real UID differs from ours.
public struct OrphanReaper: Sendable {
  /// The pool whose units are spared.
  public var membership: PoolMembership
  /// The patterns, in config order; an orphan reports the first that matched.
  public var patterns: [OrphanPattern]
  /// Whether processes of other users are reaped too (root only can signal them).
  public var includeOtherUsers: Bool
  /// PIDs in the cgroups of the pool's dead private manager (`DeadManager`): unsupervised, so
  /// orphans whatever their command, although their cgroups name the pool's units.
  public var unsupervised: Set<Int32> = []

  /// The pattern text reported for an unsupervised process.
  public static let unsupervisedPattern = "(unsupervised: in the cgroup of the pool's dead manager)"

  /// Creates a reaper for the pool named `poolName`.
  public init(poolName: String, patterns: [OrphanPattern], includeOtherUsers: Bool = false) {
    self.membership = PoolMembership(poolName: poolName)
    self.patterns = patterns
    self.includeOtherUsers = includeOtherUsers
  }

  /// Creates a reaper for `pool`, compiling its `orphanPatterns`.
  public init(pool: PoolConfig, includeOtherUsers: Bool = false) throws(OrphanPatternErrors) {
    self.init(poolName: pool.name, patterns: try OrphanPattern.compile(pool.orphanPatterns), includeOtherUsers: includeOtherUsers)
  }

  /// Scans `/proc` once: reads every `stat` and `cmdline`, and `cgroup`/`status` only for processes that match.
  public func scan() throws(ReaperError) -> OrphanScan {
    let reader = try ProcFS.Reader()
    let pids = try reader.pids()
    var table = ProcessTable(capacity: pids.count)
    var matches: [(index: Int, argv: [String], pattern: String)] = []
    for pid in pids {
      guard let count = reader.read(pid, "stat"), let stat = ProcStat(reader.buffer[0..<count]) else { continue }
      table.append(stat)
      // Kernel threads have no argv to match and exited processes none left.
      if stat.isKernelThread || stat.hasExited { continue }
      guard let length = reader.read(pid, "cmdline") else { continue }
      let words = CommandWords(cmdline: reader.buffer[0..<length])
      let command = ProcessCommand(words: words, comm: stat.comm[...], executable: { reader.executable(pid).map { $0[...] } })
      if unsupervised.contains(pid) {
        // The top of each unsupervised tree is the orphan; its children go with it as descendants.
        if !unsupervised.contains(stat.ppid) { matches.append((table.count - 1, words.strings, Self.unsupervisedPattern)) }
      } else if let pattern = patterns.first(where: { $0.matches(command) }) {
        matches.append((table.count - 1, words.strings, pattern.text))
      }
    }

    let protected = table.protectedPIDs(currentPID: ProcFS.currentPID, parentPID: ProcFS.parentPID)
    let currentUID = ProcFS.currentUID
    var facts = FactCache(reader: reader, membership: membership, unsupervised: unsupervised)
    var orphans: [Orphan] = []
    var poolMembers: [Int32] = []
    for match in matches {
      let stat = table.stats[match.index]
      // A process that vanished meanwhile, or whose cgroup cannot be read, is left alone.
      guard let member = facts.isPoolMember(stat.pid) else { continue }
      if member {
        poolMembers.append(stat.pid)
        continue
      }
      guard let uid = facts.uid(stat.pid) else { continue }
      let skip: SkipReason? =
        protected.contains(stat.pid) ? .ancestor : (uid != currentUID && !includeOtherUsers ? .otherUser : nil)
      let descendants: [ProcessIdentity] =
        skip == .ancestor
        ? []
        : table.descendants(of: match.index).filter { index in
          let other = table.stats[index]
          guard !protected.contains(other.pid), !other.isKernelThread, !other.hasExited else { return false }
          guard facts.isPoolMember(other.pid) == false else { return false }
          return includeOtherUsers || facts.uid(other.pid) == currentUID
        }.map { ProcessIdentity(pid: table.stats[$0].pid, startTime: table.stats[$0].startTime) }.sorted()
      orphans.append(
        Orphan(
          identity: ProcessIdentity(pid: stat.pid, startTime: stat.startTime), uid: uid,
          userName: facts.userName(uid), argv: match.argv, pattern: match.pattern,
          processGroup: stat.processGroup, session: stat.session, descendants: descendants, skipReason: skip))
    }
    return OrphanScan(
      orphans: orphans.sorted { $0.identity < $1.identity }, poolMembers: poolMembers.sorted(),
      processCount: table.count)
  }

  /// Ends `orphans` (usually a scan's, possibly filtered) with `terminator`.
  ///
  /// Orphans with a `skipReason`, and all of them when `dryRun`, are
  /// reported as skipped and not touched.
  public func reap(
    _ orphans: [Orphan], timeout: Duration = .seconds(5), dryRun: Bool = false,
    terminator: any OrphanTerminating = SignalTerminator()
  ) throws(ReaperError) -> ReapReport {
    let ordered = orphans.sorted { $0.identity < $1.identity }
    var results: [Termination?] = ordered.map { orphan in
      if let reason = orphan.skipReason { return Termination(outcome: .skipped(reason), method: nil) }
      return dryRun ? Termination(outcome: .skipped(.dryRun), method: nil) : nil
    }
    let targets = ordered.indices.filter { results[$0] == nil }
    if !targets.isEmpty {
      let ended = try terminator.terminations(targets.map { ordered[$0] }, timeout: timeout)
      for (position, index) in targets.enumerated() {
        // A terminator that answers for fewer orphans than given cannot vouch for the rest.
        results[index] = position < ended.count ? ended[position] : Termination(outcome: .survived([ordered[index].pid]), method: nil)
      }
    }
    return ReapReport(
      entries: ordered.indices.map { index in
        let result = results[index]!
        return ReapReport.Entry(
          orphan: ordered[index], outcome: result.outcome, method: result.method, fallbackReason: result.fallbackReason)
      })
  }

  /// Scans, then reaps everything found: what `cgipool cleanup` does.
  public func run(
    timeout: Duration = .seconds(5), dryRun: Bool = false, terminator: any OrphanTerminating = SignalTerminator()
  ) throws(ReaperError) -> ReapReport {
    try reap(scan().orphans, timeout: timeout, dryRun: dryRun, terminator: terminator)
  }
}
