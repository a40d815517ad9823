import CgiPoolRuntime
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

  @Test func aRunningPoolStopsGracefullyAndLeavesNoPrivateTemporaryFolders() throws {
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
      // The folders exist while the unit runs: the check below looks in the right place.
      #expect(Self.privateTemporaryFolders(of: unit).count == 2, "\(Self.privateTemporaryFolders(of: unit))")

      _ = try privateManager.stop()

      let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
      #expect(output.contains("stopped-by-TERM"), "the service was not stopped with SIGTERM: \(output)")
      #expect(Self.privateTemporaryFolders(of: unit) == [])
    }
    // Whatever the test saw, leave no folder of this pool behind on the machine.
    for path in Self.privateTemporaryFolders(of: unit) { try? FileManager.default.removeItem(atPath: path) }
  }
}
