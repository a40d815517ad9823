import CgiPoolTestSupport
import Foundation
import SystemdBus
import Testing

@testable import CgiPoolRuntime

#if canImport(Glibc)
  import Glibc
#endif

/// `ScopeTerminator` against a real private manager and real stray processes the
/// tests start themselves. The pool name and the only pattern carry a random
/// token, so no process the tests did not start can match.
@Suite(.serialized, .orphanScan, .enabled(if: PrivateManagerFixture.enabled, "needs root"))
struct ScopeTerminatorTests {
  typealias Fixture = PrivateManagerFixture

  /// A reaper whose only pattern is `*_<token>.cgi`.
  static func reaper(_ strays: StrayProcesses) throws -> OrphanReaper {
    OrphanReaper(poolName: "scopetest\(strays.token)", patterns: [try OrphanPattern("*_\(strays.token).cgi")])
  }

  /// The strays of one test: a symlink to sleep, a script ignoring SIGTERM with a child, and a
  /// script whose double-forked grandchild is reparented away from it.
  struct Strays {
    var sleeper: Int32
    var stubborn: Int32
    var daemon: Int32
    var grandchild: ProcessIdentity
  }

  static func startStrays(_ strays: StrayProcesses) throws -> Strays {
    let token = strays.token
    let cgi = try strays.symlink("echo_\(token).cgi", to: "/bin/sleep")
    // `trap '' TERM` makes the shell and (inherited on exec) its sleep ignore SIGTERM.
    let stubborn = try strays.script("stubborn_\(token).cgi", "#!/bin/sh\ntrap '' TERM\nsleep 300 &\nwait\n")
    let daemon = try strays.script(
      "daemon_\(token).cgi", "#!/bin/sh\n( sleep 300 & echo $! > \(strays.folder)/grandchild.pid )\nsleep 300 &\nwait\n")
    let sleeperPID = try strays.spawn([cgi, "300"])
    let stubbornPID = try strays.spawn([stubborn])
    let daemonPID = try strays.spawn([daemon])
    let grandchildPID = try strays.pid(fromFile: "grandchild.pid")
    try waitUntil("grandchild reparented") { StrayProcesses.parent(grandchildPID) != daemonPID }
    let grandchild = try #require(StrayProcesses.identity(grandchildPID))
    strays.adopt(grandchild)
    // The children must exist before the scan to count as descendants (and the daemon's
    // subshell, a child too until it exits, must be gone).
    try waitUntil("children of the scripts") {
      ReaperProcessTests.onlyChildSleeps(stubbornPID) && ReaperProcessTests.onlyChildSleeps(daemonPID)
    }
    return Strays(sleeper: sleeperPID, stubborn: stubbornPID, daemon: daemonPID, grandchild: grandchild)
  }

  /// Whether the manager has no unit of that name loaded (waiting for its garbage collection).
  static func isGone(_ name: String, _ manager: SystemdManager) -> Bool {
    (try? waitUntil("\(name) unloaded") {
      do {
        _ = try manager.getUnit(name)
        return false
      } catch {
        return (error as? BusError)?.isNoSuchUnit == true
      }
    }) != nil
  }

  @Test func straysAreReapedThroughAScope() throws {
    try Fixture.withManagerProcess { _, manager in
      let strays = try StrayProcesses()
      defer { strays.cleanup() }
      let started = try Self.startStrays(strays)
      let reaper = try Self.reaper(strays)
      let orphans = try reaper.scan().orphans
      #expect(orphans.map(\.pid) == [started.sleeper, started.stubborn, started.daemon].sorted())
      let daemon = try #require(orphans.first { $0.pid == started.daemon })
      #expect(daemon.descendants.contains(started.grandchild))
      let everything = orphans.flatMap(\.processes)
      #expect(everything.count == 6, "3 orphans, the stubborn one's child, the daemon's child and grandchild")

      let terminator = ScopeTerminator(manager: manager, poolName: reaper.membership.poolName)
      let report = try reaper.reap(orphans, timeout: .milliseconds(500), terminator: terminator)
      let outcomes = Dictionary(uniqueKeysWithValues: report.entries.map { ($0.orphan.pid, $0.outcome) })
      #expect(outcomes == [started.sleeper: .terminated, started.stubborn: .killed, started.daemon: .terminated])
      #expect(report.allGone)
      #expect(report.fallbackReasons == [])
      let scopes = Set(report.entries.compactMap { $0.method?.scopeName })
      #expect(scopes.count == 1, "one scope for the whole reap")
      let scope = try #require(scopes.first)
      #expect(report.entries.allSatisfy { $0.method == .scope(scope) })
      #expect(scope.hasPrefix("scopetest\(strays.token)-orphans-") && scope.hasSuffix(".scope"))
      for identity in everything {
        #expect(!StrayProcesses.isRunning(identity), "\(identity) still runs")
      }
      #expect(Self.isGone(scope, manager), "the scope is collected after its stop")
    }
  }

  @Test func onlyListedProcessesAreMoved() throws {
    try Fixture.withManagerProcess { _, manager in
      let strays = try StrayProcesses()
      defer { strays.cleanup() }
      let parent = try strays.script("parent_\(strays.token).cgi", "#!/bin/sh\nsleep 301 &\nwait\n")
      let pid = try strays.spawn([parent])
      try waitUntil("its child") { ReaperProcessTests.onlyChildSleeps(pid) }
      let child = try #require(ReaperProcessTests.children(of: pid).first)
      let reaper = try Self.reaper(strays)
      var orphan = try #require(reaper.scan().orphans.first { $0.pid == pid })
      #expect(orphan.descendants.map(\.pid) == [child])
      // Left off the list, the child must be neither moved into the scope nor stopped with it.
      orphan.descendants = []

      let name = ScopeTerminator.makeScopeName(pool: reaper.membership.poolName)
      let terminator = ScopeTerminator(manager: manager, poolName: reaper.membership.poolName, scopeName: name)
      let report = try reaper.reap([orphan], timeout: .seconds(5), terminator: terminator)
      #expect(report.entries.map(\.outcome) == [.terminated])
      #expect(report.entries.map(\.method) == [.scope(name)])
      #expect(!StrayProcesses.isRunning(orphan.identity))
      #expect(kill(child, 0) == 0, "the unlisted child was stopped with the scope")
      let cgroup = (try? String(contentsOfFile: "/proc/\(child)/cgroup", encoding: .utf8)) ?? ""
      #expect(!cgroup.isEmpty && !cgroup.contains(name), "the unlisted child was moved into the scope")
      #expect(Self.isGone(name, manager))
    }
  }

  @Test func unitPathMatchesTheManagers() throws {
    try Fixture.withManagerProcess { _, manager in
      let strays = try StrayProcesses()
      defer { strays.cleanup() }
      let holder = try strays.spawn(["/bin/sleep", "302"], startingWith: "/bin/sleep 302")
      let name = "9" + ScopeTerminator.makeScopeName(pool: "scope-test_\(strays.token)")
      let waiter = try manager.makeJobWaiter()
      let job = try manager.startTransientUnit(name, properties: [("PIDs", .array("u", [.uint32(UInt32(holder))]))])
      #expect(try waiter.wait(for: job, timeout: .seconds(30)).result == .done)
      #expect(try manager.getUnit(name) == SystemdManager.unitPath(forName: name))
      #expect(try manager.getUnitByPID(UInt32(holder)) == SystemdManager.unitPath(forName: name))
      let stop = try manager.stopUnit(name)
      #expect(try waiter.wait(for: stop, timeout: .seconds(30)).result == .done)
    }
  }

  @Test func refusalFallsBackToSignalsAndSaysWhy() throws {
    try Fixture.withManagerProcess { _, manager in
      let strays = try StrayProcesses()
      defer { strays.cleanup() }
      // A scope of that name already exists (holding a process that is no orphan), so the
      // manager refuses StartTransientUnit with UnitExists.
      let holder = try strays.spawn(["/bin/sleep", "303"], startingWith: "/bin/sleep 303")
      let name = ScopeTerminator.makeScopeName(pool: "scopetest\(strays.token)")
      let waiter = try manager.makeJobWaiter()
      let job = try manager.startTransientUnit(name, properties: [("PIDs", .array("u", [.uint32(UInt32(holder))]))])
      #expect(try waiter.wait(for: job, timeout: .seconds(30)).result == .done)
      defer { _ = try? manager.stopUnitIfLoaded(name) }

      let cgi = try strays.symlink("echo_\(strays.token).cgi", to: "/bin/sleep")
      let orphanPID = try strays.spawn([cgi, "300"])
      let reaper = try Self.reaper(strays)
      let orphan = try #require(reaper.scan().orphans.first { $0.pid == orphanPID })
      let terminator = ScopeTerminator(manager: manager, poolName: reaper.membership.poolName, scopeName: name)
      let report = try reaper.reap([orphan], timeout: .seconds(5), terminator: terminator)
      let entry = try #require(report.entries.first)
      #expect(entry.outcome == .terminated)
      #expect(entry.method == .signals)
      let reason = try #require(entry.fallbackReason)
      #expect(reason.hasPrefix("the manager refused to create \(name): "))
      #expect(reason.contains(BusError.Name.unitExists))
      #expect(report.fallbackReasons == [reason])
      #expect(!StrayProcesses.isRunning(orphan.identity))
      // The holder was not touched: still running, still in its own scope.
      #expect(kill(holder, 0) == 0)
      #expect(try manager.getUnitByPID(UInt32(holder)) == SystemdManager.unitPath(forName: name))
    }
  }

  @Test func unreachableManagerFallsBackToSignals() throws {
    try Fixture.withManagerProcess { privateManager, manager in
      let strays = try StrayProcesses()
      defer { strays.cleanup() }
      let stubborn = try strays.script("stubborn_\(strays.token).cgi", "#!/bin/sh\ntrap '' TERM\nsleep 300 &\nwait\n")
      let pid = try strays.spawn([stubborn])
      try waitUntil("its child") { ReaperProcessTests.onlyChildSleeps(pid) }
      let reaper = try Self.reaper(strays)
      let orphan = try #require(reaper.scan().orphans.first { $0.pid == pid })
      // The connection outlives its manager: every call on it fails.
      #expect(try privateManager.stop() != .notRunning)

      let terminator = ScopeTerminator(manager: manager, poolName: reaper.membership.poolName)
      let report = try reaper.reap([orphan], timeout: .milliseconds(300), terminator: terminator)
      let entry = try #require(report.entries.first)
      #expect(entry.outcome == .killed)
      #expect(entry.method == .signals)
      let reason = try #require(entry.fallbackReason)
      #expect(reason.hasPrefix("cannot watch the manager's jobs: "), "reason: \(reason)")
      for identity in orphan.processes { #expect(!StrayProcesses.isRunning(identity)) }
    }
  }

  @Test func goneProcessesNeedNoScope() throws {
    try Fixture.withManagerProcess { _, manager in
      let strays = try StrayProcesses()
      defer { strays.cleanup() }
      let cgi = try strays.symlink("echo_\(strays.token).cgi", to: "/bin/sleep")
      let pid = try strays.spawn([cgi, "300"])
      let reaper = try Self.reaper(strays)
      var orphan = try #require(reaper.scan().orphans.first { $0.pid == pid })
      // Another start time stands for a process that has since exited and whose PID was reused.
      orphan.identity.startTime += 1
      let name = ScopeTerminator.makeScopeName(pool: reaper.membership.poolName)
      let terminator = ScopeTerminator(manager: manager, poolName: reaper.membership.poolName, scopeName: name)
      let report = try reaper.reap([orphan], timeout: .milliseconds(200), terminator: terminator)
      #expect(report.entries.map(\.outcome) == [.vanished])
      #expect(report.entries.map(\.method) == [nil])
      #expect(report.fallbackReasons == [])
      #expect(kill(pid, 0) == 0, "the process now at that PID was touched")
      #expect(throws: BusError.self) { try manager.getUnit(name) }
    }
  }
}
