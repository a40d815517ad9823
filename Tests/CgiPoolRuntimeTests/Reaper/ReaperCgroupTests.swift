import CgiPoolTestSupport
import Foundation
import ProcessConfig
import Testing

@testable import CgiPoolRuntime

/// Processes inside a cgroup shaped like one of the pool's units are never touched.
@Suite(.serialized, .orphanScan) struct ReaperCgroupTests {
  @Test(.enabled(if: PoolCgroup.available)) func poolUnitMembersSurvive() throws {
    let strays = try StrayProcesses()
    let pool = "reapertest\(strays.token)"
    let cgroup = try PoolCgroup(token: strays.token, pool: pool)
    defer { cgroup.remove() }
    defer { strays.cleanup() }

    let cgi = try strays.symlink("echo_\(strays.token).cgi", to: "/bin/sleep")
    let member = try strays.spawn([cgi, "300"])
    try cgroup.move(member)
    let outside = try strays.spawn([cgi, "301"])
    // An orphan whose child was moved into the pool's unit: the child is not its to end.
    let parent = try strays.script(
      "parent_\(strays.token).cgi", "#!/bin/sh\nsleep 300 &\necho $! > \(strays.folder)/child.pid\nwait\n")
    let parentPID = try strays.spawn([parent])
    let childPID = try strays.pid(fromFile: "child.pid")
    try cgroup.move(childPID)
    let child = try #require(StrayProcesses.identity(childPID))
    let memberIdentity = try #require(StrayProcesses.identity(member))

    let reaper = OrphanReaper(poolName: pool, patterns: try OrphanPattern.compile(PoolConfig.defaultOrphanPatterns))
    let scan = try reaper.scan()
    #expect(scan.poolMembers.contains(member))
    #expect(!scan.orphans.contains { $0.pid == member })
    let mine = scan.orphans.filter { [outside, parentPID].contains($0.pid) }
    #expect(mine.map(\.pid).sorted() == [outside, parentPID].sorted())
    #expect(mine.first { $0.pid == parentPID }?.descendants.isEmpty == true)

    // The same scan under another pool name treats the member as an orphan: membership is by name.
    let other = OrphanReaper(poolName: "other\(strays.token)", patterns: reaper.patterns)
    #expect(try other.scan().orphans.contains { $0.pid == member })

    let report = try reaper.reap(mine, timeout: .seconds(5))
    #expect(report.entries.map(\.outcome) == [.terminated, .terminated])
    #expect(StrayProcesses.isRunning(memberIdentity))
    #expect(StrayProcesses.isRunning(child))
    strays.adopt(child)
  }
}
