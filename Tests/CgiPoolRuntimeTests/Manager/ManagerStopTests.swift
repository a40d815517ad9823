@testable import CgiPoolRuntime
import CgiPoolTestSupport
import Foundation
import ProcessConfig
import SystemdBus
import Testing
import UnitCompiler

/// Stopping the private manager while its pool still runs: the services stop as a unit stop
/// would (SIGTERM first), and systemd's private `/tmp` and `/var/tmp` folders of `strict`
/// units are gone afterwards. Killing the services instead left those folders behind on every
/// stop of the demo pool, which no process or cgroup check sees.
@Suite(.enabled(if: PrivateManagerFixture.enabled))
struct ManagerStopTests {
  /// The `PrivateTmp=` folders systemd made for `unit`, in both temporary roots.
  static func privateTemporaryFolders(of unit: String) -> [String] {
    let bootID = ((try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8)) ?? "")
      .replacingOccurrences(of: "-", with: "").trimmingCharacters(in: .whitespacesAndNewlines)
    let prefix = "systemd-private-\(bootID)-\(unit)-"
    return ["/tmp", "/var/tmp"].flatMap { root in
      ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).filter { $0.hasPrefix(prefix) }
        .map { root + "/" + $0 }
    }.sorted()
  }

  /// A `strict` pool of one process that logs "stopped-by-TERM" on SIGTERM, started on a fresh
  /// private manager; `body` gets the manager, the unit's name and the process's log.
  static func withStrictPool(_ body: (PrivateManager, PoolConfig, String, String) throws -> Void) throws {
    try #require(FileManager.default.isExecutableFile(atPath: RuntimeHarness.cgipool), "build cgipool first")
    let folder = NSTemporaryDirectory() + "cgipool-i18-stop-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder + "/logs", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let pool = "i18stop" + String(UInt32.random(in: .min ... .max), radix: 16)
    // `cwd` outside /tmp, so `strict` gives the process a private /tmp (a cwd inside it would not).
    let script = "trap 'echo stopped-by-TERM; exit 0' TERM; echo up; while :; do sleep 0.1; done"
    let json = """
      {"name": "\(pool)", "sandbox": "strict", "processes": {
        "worker": {"command": ["/bin/sh", "-c", \(RuntimeHarness.quote(script))], "cwd": "/",
                   "restart_policy": "no", "stop_timeout": 5}}}
      """
    let config = try ConfigLoader.parse(Array(json.utf8), file: "test.json", baseDirectory: folder)
    let unit = "\(pool)-worker.service"
    let log = folder + "/logs/worker.log"
    defer {
      // Whatever the test saw, leave no folder of this pool behind on the machine.
      for path in privateTemporaryFolders(of: unit) { try? FileManager.default.removeItem(atPath: path) }
    }
    try PrivateManagerFixture.withManagerProcess { privateManager, manager in
      let options = CompileOptions(
        probeExecutable: RuntimeHarness.cgipool, searchPath: "/usr/local/bin:/usr/bin:/bin",
        logDirectory: folder + "/logs", managerVersion: try manager.majorVersion)
      let compiled = try UnitCompiler(options: options).compile(config)
      let runtime = PoolRuntime(
        pool: config, compiled: compiled, manager: BusSystemdManager(manager: manager, description: pool),
        logDirectory: folder + "/logs")
      let report = try runtime.start()
      #expect(report.succeeded, "\(report.results)")
      #expect(RuntimeHarness.eventually { (try? String(contentsOfFile: log, encoding: .utf8))?.contains("up") == true })
      // The folders exist while the unit runs: the checks after the stop look in the right place.
      #expect(privateTemporaryFolders(of: unit).count == 2, "\(privateTemporaryFolders(of: unit))")
      try body(privateManager, config, unit, log)
    }
  }

  @Test func aRunningPoolStopsGracefullyAndLeavesNoPrivateTemporaryFolders() throws {
    try Self.withStrictPool { privateManager, _, unit, log in
      _ = try privateManager.stop()
      let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
      #expect(output.contains("stopped-by-TERM"), "the service was not stopped with SIGTERM: \(output)")
      #expect(Self.privateTemporaryFolders(of: unit) == [])
    }
  }

  /// A manager killed with SIGKILL cannot remove its units' folders: ending what it left
  /// (`stop`, `cleanup`, `make stop`) does, once the unit's processes are gone.
  @Test func endingWhatADeadManagerLeftRemovesItsPrivateTemporaryFolders() throws {
    try Self.withStrictPool { privateManager, config, unit, log in
      let state = try #require(PrivateManagerState.read(from: privateManager.stateFilePath))
      #expect(kill(state.pid, SIGKILL) == 0)
      #expect(RuntimeHarness.eventually { !RuntimeHarness.isAlive(state.pid) })
      let dead = try #require(DeadManager.find(privateManager, pool: config))
      let worker = try #require(dead.processes.first { $0.unit == unit }, "\(dead.processes)")
      #expect(Self.privateTemporaryFolders(of: unit).count == 2, "the dead manager's unit has its folders")

      let report = try dead.end(pool: config)

      // The worker stopped on SIGTERM (the pool's log cap helper is ended too).
      #expect(report.results.first { $0.process == "worker" }?.outcome == .stopped, "\(report.results)")
      #expect(!RuntimeHarness.isAlive(worker.pid))
      #expect(((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("stopped-by-TERM"))
      #expect(Self.privateTemporaryFolders(of: unit) == [])
    }
  }
}

/// Reading `mountinfo`, and telling systemd's private folders by name: pure cases.
struct MountTableTests {
  static let host = MountTable(parsing: """
    27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard
    40 27 0:41 / /run rw,nosuid - tmpfs tmpfs rw,mode=755
    41 40 0:41 /cgipool/a\\040b /srv/pool\\040files rw - tmpfs tmpfs rw
    """)

  @Test func linesAreParsedWithTheirEscapes() throws {
    #expect(Self.host.entries.count == 3)
    let entry = try #require(Self.host.mount(at: "/srv/pool files"))
    #expect(entry.device == "0:41")
    #expect(entry.root == "/cgipool/a b")
    #expect(entry.type == "tmpfs")
    #expect(entry.superOptions == ["rw"])
    #expect(Self.host.mount(at: "/srv") == nil)
  }

  @Test func aBindMountOfAnotherNamespaceIsFoundWhereThisOneSeesIt() {
    let unit = MountTable(parsing: """
      109 88 254:0 /tmp/systemd-private-x-u.service-A/tmp /tmp rw shared:24 - ext4 /dev/vda rw
      110 88 0:41 /cgipool/a\\040b/sub /data rw - tmpfs tmpfs rw
      111 88 0:99 / /elsewhere rw - tmpfs tmpfs rw
      """)
    #expect(Self.host.path(of: unit.entries[0]) == "/tmp/systemd-private-x-u.service-A/tmp")
    // The deepest view of the same file system wins: /srv/pool files shows /cgipool/a b directly.
    #expect(Self.host.path(of: unit.entries[1]) == "/srv/pool files/sub")
    // A file system this namespace does not mount has no path here.
    #expect(Self.host.path(of: unit.entries[2]) == nil)
  }

  @Test func onlySystemdsNamesForTheUnitCount() {
    let boot = "d806cd49ff844a4c96cf3f8965339fe4"
    #expect(PrivateTemporaryFolders.isNamed("/tmp/systemd-private-\(boot)-p-web.service-G9PD8H", for: "p-web.service"))
    #expect(!PrivateTemporaryFolders.isNamed("/tmp/systemd-private-\(boot)-p-web.service-G9PD8H", for: "p-we.service"))
    #expect(!PrivateTemporaryFolders.isNamed("/tmp/systemd-private-\(boot)-p-web.service-", for: "p-web.service"))
    #expect(!PrivateTemporaryFolders.isNamed("/tmp/systemd-private-xyz-p-web.service-G9PD8H", for: "p-web.service"))
    #expect(!PrivateTemporaryFolders.isNamed("/tmp/private-\(boot)-p-web.service-G9PD8H", for: "p-web.service"))
  }
}
