import CgiPoolTestSupport
import Foundation
import ProcessConfig
import Testing

@testable import CgiPoolRuntime

#if canImport(Glibc)
  import Glibc
#endif

/// The reaper against real processes this suite starts itself. Scans use the
/// default patterns (and so see whatever else runs on the machine), but only
/// orphans whose PIDs the test started are ever passed to `reap`.
@Suite(.serialized, .orphanScan) struct ReaperProcessTests {
  /// A reaper with the default patterns and a pool name no real pool uses.
  static func defaultReaper(_ strays: StrayProcesses, includeOtherUsers: Bool = false) throws -> OrphanReaper {
    try OrphanReaper(
      poolName: "reapertest\(strays.token)", patterns: OrphanPattern.compile(PoolConfig.defaultOrphanPatterns),
      includeOtherUsers: includeOtherUsers)
  }

  /// The stray kinds of the original system, each as a real process.
  struct Kinds {
    var cgi: Int32
    var sample: Int32
    var dotnetScript: Int32
    var manager: Int32
    var dotnetRun: Int32
    var all: [Int32] { [cgi, sample, dotnetScript, manager, dotnetRun] }
  }

  static func startEachKind(_ strays: StrayProcesses) throws -> Kinds {
    let cgi = try strays.symlink("echo_\(strays.token).cgi", to: "/bin/sleep")
    let sample = try strays.script("sample_\(strays.token)_cgi.py", "import time\ntime.sleep(300)\n")
    let manager = try strays.script("ops/pool/manager.py", "import time\ntime.sleep(300)\n")
    // Stand-ins for the .NET tools: shell scripts named like them that keep a child.
    let tool = "#!/bin/sh\nsleep 300 &\nwait\n"
    let dotnetScript = try strays.script("bin/dotnet-script", tool)
    let dotnet = try strays.script("bin/dotnet", tool)
    return Kinds(
      cgi: try strays.spawn([cgi, "300"]),
      sample: try strays.spawn(["/usr/bin/python3", "-u", sample]),
      dotnetScript: try strays.spawn([dotnetScript, strays.folder + "/main.csx"]),
      manager: try strays.spawn(["/usr/bin/python3", manager, "--port", "8001"]),
      dotnetRun: try strays.spawn([dotnet, "run", "--urls", "http://localhost:8080"]))
  }

  @Test func findsAndReapsEachDefaultKind() throws {
    let strays = try StrayProcesses()
    defer { strays.cleanup() }
    let kinds = try Self.startEachKind(strays)
    // The .NET stand-ins' children must exist before the scan to count as descendants.
    try waitUntil("tool children") {
      [kinds.dotnetScript, kinds.dotnetRun].allSatisfy { pid in Self.children(of: pid).count == 1 }
    }
    let reaper = try Self.defaultReaper(strays)
    let scan = try reaper.scan()
    let mine = scan.orphans.filter { kinds.all.contains($0.pid) }
    #expect(
      Dictionary(uniqueKeysWithValues: mine.map { ($0.pid, $0.pattern) }) == [
        kinds.cgi: "*.cgi", kinds.sample: "sample_*_cgi.py", kinds.dotnetScript: "dotnet-script *.csx",
        kinds.manager: "pool/manager.py", kinds.dotnetRun: "dotnet run *8080",
      ])
    for orphan in mine {
      #expect(orphan.uid == getuid())
      #expect(orphan.skipReason == nil)
      #expect(orphan.argv.joined(separator: " ").contains(strays.token))
    }
    let toolChildren = Set([kinds.dotnetScript, kinds.dotnetRun].flatMap(Self.children(of:)))
    #expect(Set(mine.flatMap(\.descendants).map(\.pid)) == toolChildren)

    let report = try reaper.reap(mine, timeout: .seconds(5))
    #expect(report.entries.map(\.outcome) == Array(repeating: .terminated, count: 5))
    #expect(report.allGone)
    for identity in mine.flatMap(\.processes) {
      #expect(!StrayProcesses.isRunning(identity), "\(identity) still runs")
    }
  }

  @Test func lookAlikesAreNotOrphans() throws {
    let strays = try StrayProcesses()
    defer { strays.cleanup() }
    let log = try strays.script("log_\(strays.token).cgi", "")
    let manager = try strays.script("ops/mypool/manager.py", "import time\ntime.sleep(300)\n")
    let dotnet = try strays.script("bin/dotnet", "#!/bin/sh\nsleep 300 &\nwait\n")
    let notCgi = try strays.symlink("echo_\(strays.token).cgix", to: "/bin/sleep")
    let lookAlikes = [
      try strays.spawn(["/usr/bin/tail", "-f", log]),
      try strays.spawn(["/usr/bin/python3", "-c", "import time; time.sleep(300)", "sample_\(strays.token)_cgi.py"]),
      try strays.spawn(["/usr/bin/python3", manager]),
      try strays.spawn([dotnet, "run", "--urls", "http://localhost:9090"]),
      try strays.spawn([notCgi, "300"]),
      try strays.spawn(["/bin/sh", "-c", "sleep 300; true", "\(strays.folder)/x.cgi"], startingWith: "/bin/sh -c"),
    ]
    let scan = try Self.defaultReaper(strays).scan()
    let found = Set(scan.orphans.map(\.pid))
    for pid in lookAlikes {
      #expect(!found.contains(pid), "look-alike \(StrayProcesses.cmdline(pid) ?? "?") was taken for an orphan")
    }
  }

  @Test func sigtermIgnoringOrphanIsKilledAfterTimeout() throws {
    let strays = try StrayProcesses()
    defer { strays.cleanup() }
    let stubborn = try strays.script("stubborn_\(strays.token).cgi", "#!/bin/sh\ntrap '' TERM\nsleep 300 &\nwait\n")
    let pid = try strays.spawn([stubborn])
    try waitUntil("its child") { Self.children(of: pid).count == 1 }
    let reaper = try Self.defaultReaper(strays)
    let orphan = try #require(reaper.scan().orphans.first { $0.pid == pid })
    #expect(orphan.descendants.count == 1)
    let report = try reaper.reap([orphan], timeout: .milliseconds(300))
    #expect(report.entries.map(\.outcome) == [.killed])
    #expect(report.allGone)
    for identity in orphan.processes { #expect(!StrayProcesses.isRunning(identity)) }
  }

  @Test func doubleForkedGrandchildGoesToo() throws {
    let strays = try StrayProcesses()
    defer { strays.cleanup() }
    // The subshell forks the sleeper and exits, so the sleeper is reparented
    // away from the orphan but stays in the process group the orphan leads.
    let daemon = try strays.script(
      "daemon_\(strays.token).cgi", "#!/bin/sh\n( sleep 300 & echo $! > \(strays.folder)/grandchild.pid )\nsleep 300 &\nwait\n")
    let pid = try strays.spawn([daemon])
    let grandchildPID = try strays.pid(fromFile: "grandchild.pid")
    try waitUntil("grandchild reparented") { StrayProcesses.parent(grandchildPID) != pid }
    let grandchild = try #require(StrayProcesses.identity(grandchildPID))
    strays.adopt(grandchild)
    #expect(StrayProcesses.parent(grandchildPID) != pid)
    // The subshell is a child too until it exits: wait until the only child is the sleeper.
    try waitUntil("its direct child") { Self.onlyChildSleeps(pid) }

    let reaper = try Self.defaultReaper(strays)
    let orphan = try #require(reaper.scan().orphans.first { $0.pid == pid })
    #expect(orphan.descendants.contains(grandchild))
    #expect(orphan.descendants.count == 2)
    let report = try reaper.reap([orphan], timeout: .seconds(5))
    #expect(report.entries.map(\.outcome) == [.terminated])
    #expect(!StrayProcesses.isRunning(grandchild))
  }

  @Test func dryRunTouchesNothing() throws {
    let strays = try StrayProcesses()
    defer { strays.cleanup() }
    let kinds = try Self.startEachKind(strays)
    let reaper = try Self.defaultReaper(strays)
    let mine = try reaper.scan().orphans.filter { kinds.all.contains($0.pid) }
    #expect(mine.count == 5)
    let report = try reaper.reap(mine, timeout: .milliseconds(100), dryRun: true)
    #expect(report.entries.map(\.outcome) == Array(repeating: .skipped(.dryRun), count: 5))
    #expect(!report.allGone)
    usleep(300_000)
    for identity in mine.flatMap(\.processes) {
      #expect(StrayProcesses.isRunning(identity), "\(identity) was touched by a dry run")
    }
  }

  @Test func reusedPIDIsNeverSignalled() throws {
    let strays = try StrayProcesses()
    defer { strays.cleanup() }
    let cgi = try strays.symlink("echo_\(strays.token).cgi", to: "/bin/sleep")
    let pid = try strays.spawn([cgi, "300"])
    let reaper = try Self.defaultReaper(strays)
    var orphan = try #require(reaper.scan().orphans.first { $0.pid == pid })
    let real = orphan.identity
    // The same PID with another start time stands for a process that has since been replaced.
    orphan.identity.startTime += 1
    let report = try reaper.reap([orphan], timeout: .milliseconds(200))
    #expect(report.entries.map(\.outcome) == [.vanished])
    #expect(StrayProcesses.isRunning(real))
  }

  @Test func selfAndAncestorsAreSkipped() throws {
    let own = try #require(StrayProcesses.cmdline(getpid())?.split(separator: " ").first)
    let base = String(own.split(separator: "/").last!)
    let escaped = base.map { "*?[]\\ ".contains($0) ? "\\\($0)" : String($0) }.joined()
    let reaper = OrphanReaper(poolName: "reapertest", patterns: [try OrphanPattern(escaped)])
    let scan = try reaper.scan()
    let me = try #require(scan.orphans.first { $0.pid == getpid() })
    #expect(me.skipReason == .ancestor)
    #expect(me.descendants.isEmpty)
    let report = try reaper.reap([me], timeout: .milliseconds(100))
    #expect(report.entries.map(\.outcome) == [.skipped(.ancestor)])
    #expect(!report.allGone)
  }

  @Test(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
  func otherUsersAreSkippedUnlessIncluded() throws {
    let strays = try StrayProcesses()
    defer { strays.cleanup() }
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: strays.folder)
    let cgi = try strays.symlink("echo_\(strays.token).cgi", to: "/bin/sleep")
    let pid = try strays.spawn(["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", cgi, "300"], startingWith: cgi + " ")
    let skipped = try #require(Self.defaultReaper(strays).scan().orphans.first { $0.pid == pid })
    #expect(skipped.uid == 65534)
    #expect(skipped.skipReason == .otherUser)
    #expect(try Self.defaultReaper(strays).reap([skipped]).entries.map(\.outcome) == [.skipped(.otherUser)])
    #expect(StrayProcesses.isRunning(skipped.identity))

    let reaper = try Self.defaultReaper(strays, includeOtherUsers: true)
    let included = try #require(reaper.scan().orphans.first { $0.pid == pid })
    #expect(included.skipReason == nil)
    #expect(try reaper.reap([included]).entries.map(\.outcome) == [.terminated])
  }

  /// Direct children of `pid` now, from /proc.
  /// Whether `pid` has exactly one child and it runs `sleep` (not a shell still forking).
  static func onlyChildSleeps(_ pid: Int32) -> Bool {
    let children = children(of: pid)
    return children.count == 1 && StrayProcesses.cmdline(children[0])?.hasPrefix("sleep ") == true
  }

  static func children(of pid: Int32) -> [Int32] {
    let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
    return text.split(separator: " ").compactMap { Int32($0) }
  }
}
