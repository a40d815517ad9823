import CgiPoolTestSupport
import CgiPoolRuntime
import Foundation
import SystemdBus
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Private manager lifecycle", .serialized, .enabled(if: PrivateManagerFixture.enabled, "needs root"))
struct ManagerLifecycleTests {
  @Test("Version is readable over the private socket")
  func versionReadable() throws {
    try PrivateManagerFixture.withPrivateManager { endpoint, manager in
      let version = try manager.version
      #expect(try manager.majorVersion != nil, "Version \(version) should start with a number")
      #expect(endpoint.kind == .privateManager)
      #expect(endpoint.address == "unix:path=\(endpoint.runtimeDirectory!)/systemd/private")
    }
  }

  @Test("Starting twice yields one manager with the same PID")
  func startTwiceSamePID() throws {
    try #require(geteuid() == 0, "needs root")
    let privateManager = PrivateManagerFixture.uniqueManager()
    defer { _ = try? privateManager.stop() }
    let first = try privateManager.start()
    let second = try privateManager.start()
    #expect(first.pid != nil)
    #expect(first.pid == second.pid)
    guard case .running(let pid, _, _) = privateManager.status() else {
      Issue.record("status should be running, got \(privateManager.status())")
      return
    }
    #expect(pid == first.pid)
  }

  @Test("Stop leaves no process, no cgroup and no runtime folder")
  func stopLeavesNothing() throws {
    try #require(geteuid() == 0, "needs root")
    let privateManager = PrivateManagerFixture.uniqueManager()
    let endpoint = try privateManager.start()
    let pid = try #require(endpoint.pid)
    let manager = try endpoint.connect()
    // A service inside the manager, so stop must take it down too.
    let waiter = try manager.makeJobWaiter()
    let job = try manager.startTransientUnit(
      PrivateManagerFixture.unitName("sleeper"),
      properties: [("Type", .string("exec")), ("ExecStart", PrivateManagerFixture.execStart(["/bin/sleep", "300"]))])
    #expect(try waiter.wait(for: job, timeout: .seconds(30)).result == .done)
    let cgroups = try #require(cgroupDirectories(of: pid, name: privateManager.cgroupName))
    #expect(!cgroups.isEmpty)
    let servicePIDs = cgroups.flatMap(pidsBelow)
    #expect(servicePIDs.count >= 2, "manager and sleep should both be in the cgroup tree: \(servicePIDs)")

    let outcome = try privateManager.stop()
    #expect(outcome == .stopped(pid: pid))
    for p in servicePIDs {
      #expect(kill(p, 0) != 0 || isZombie(p), "process \(p) survived stop")
    }
    for directory in cgroups {
      #expect(!FileManager.default.fileExists(atPath: directory), "\(directory) left behind")
    }
    #expect(!FileManager.default.fileExists(atPath: privateManager.runtimeDirectory))
    #expect(privateManager.status() == .notRunning)
    // Stopping again is a no-op.
    #expect(try privateManager.stop() == .notRunning)
  }

  @Test("A killed manager is reported stale; start replaces it and cleans up its services")
  func killedManagerIsReplaced() throws {
    try #require(geteuid() == 0, "needs root")
    let privateManager = PrivateManagerFixture.uniqueManager()
    defer { _ = try? privateManager.stop() }
    let first = try privateManager.start()
    let firstPID = try #require(first.pid)
    let manager = try first.connect()
    let waiter = try manager.makeJobWaiter()
    let name = PrivateManagerFixture.unitName("orphan")
    let job = try manager.startTransientUnit(
      name, properties: [("Type", .string("exec")), ("ExecStart", PrivateManagerFixture.execStart(["/bin/sleep", "300"]))])
    #expect(try waiter.wait(for: job, timeout: .seconds(30)).result == .done)
    let orphanPID = try #require(
      manager.properties(path: manager.getUnit(name), interface: SystemdManager.serviceInterface)["MainPID"]?.int64Value)

    kill(firstPID, SIGKILL)
    var reaped: Int32 = 0
    waitpid(firstPID, &reaped, 0)
    guard case .stale(let stalePID, _) = privateManager.status() else {
      Issue.record("expected a stale status, got \(privateManager.status())")
      return
    }
    #expect(stalePID == firstPID)
    // The service outlived its manager; the next start must clear it away.
    #expect(kill(pid_t(orphanPID), 0) == 0)

    let second = try privateManager.start()
    #expect(second.pid != firstPID)
    #expect(kill(pid_t(orphanPID), 0) != 0 || isZombie(pid_t(orphanPID)), "the orphaned service should be killed")
    #expect(try second.connect().listUnitsByPatterns(patterns: [name]).isEmpty)
  }

  @Test("Status reports not running for a folder never used")
  func statusNotRunning() {
    #expect(PrivateManagerFixture.uniqueManager().status() == .notRunning)
  }

  private func cgroupDirectories(of pid: Int32, name: String) -> [String]? {
    let roots = ["/sys/fs/cgroup/systemd", "/sys/fs/cgroup/unified", "/sys/fs/cgroup"]
    return roots.map { $0 + "/" + name }.filter { FileManager.default.fileExists(atPath: $0 + "/cgroup.procs") }
  }

  private func pidsBelow(_ directory: String) -> [Int32] {
    var result: [Int32] = []
    if let text = try? String(contentsOfFile: directory + "/cgroup.procs", encoding: .utf8) {
      result += text.split(separator: "\n").compactMap { Int32($0) }
    }
    let children = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    for child in children.sorted() {
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: directory + "/" + child, isDirectory: &isDirectory), isDirectory.boolValue {
        result += pidsBelow(directory + "/" + child)
      }
    }
    return Array(Set(result)).sorted()
  }

  private func isZombie(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
      let close = stat.lastIndex(of: ")")
    else { return true }
    return stat[stat.index(after: close)...].dropFirst().first == "Z"
  }
}
