import CgiPoolRuntime
import CgiPoolTestSupport
import Foundation
import ProcessConfig
import Testing

/// The pool's helper units follow the config on a running pool: a changed `log_max_bytes` (the
/// log cap's command line) shows in `plan` and is applied by `apply` or `start`, without
/// touching the processes; a helper the config no longer needs is removed.
@Suite(.enabled(if: PrivateManagerFixture.enabled), .serialized)
struct HelperRefreshTests {
  static func config(logMaxBytes: Int, port: Int, health: Bool = false) -> String {
    let check = health
      ? #", "health_check": {"type": "port", "target": "127.0.0.1:\#(port)", "interval": 1, "timeout": 5}"# : ""
    let command = health
      ? #"["python3", "-c", "import socket,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', \#(port))); s.listen(); time.sleep(600)"]"#
      : #"["sleep", "600"]"#
    return """
      {"name": "i18helpers", "log_max_bytes": \(logMaxBytes), "processes": {
        "web": {"command": \(command), "restart_policy": "always"\(check)}}}
      """
  }

  /// The `--max-bytes` the running log cap was started with.
  static func runningCap(_ context: RuntimeHarness.Context) throws -> String? {
    let state = try context.runtime.manager.unitState("i18helpers.logcap.service")
    guard state?.activeState == .active, let argv = state?.execStart.first?.argv,
      let index = argv.firstIndex(of: "--max-bytes"), index + 1 < argv.count
    else { return nil }
    return argv[index + 1]
  }

  static func pool(_ json: String, folder: String) throws -> PoolConfig {
    try ConfigLoader.parse(Array(json.utf8), file: "test.json", baseDirectory: folder)
  }

  @Test func aChangedLogCapIsPlannedAndAppliedWithoutTouchingTheProcesses() throws {
    let port = RuntimeHarness.freePort()
    try RuntimeHarness.withPool(Self.config(logMaxBytes: 100_000, port: port)) { context in
      #expect(try context.runtime.start().succeeded)
      #expect(RuntimeHarness.eventually { (try? Self.runningCap(context)) == "100000" })
      let pid = try #require(try context.runtime.manager.unitState("i18helpers-web.service")?.mainPID)

      let changed = try RuntimeHarness.runtime(
        for: Self.pool(Self.config(logMaxBytes: 200_000, port: port), folder: context.folder), like: context)
      let plan = try changed.plan()
      #expect(plan.entries.allSatisfy { $0.action == .unchanged }, "\(plan.entries)")
      #expect(plan.helpers == [PoolPlan.HelperChange(unit: "i18helpers.logcap.service", action: .change, reason: "command changed")])
      #expect(plan.hasChanges)
      _ = try changed.apply(plan, stopped: { _ in }, progress: { _ in })
      #expect(RuntimeHarness.eventually { (try? Self.runningCap(context)) == "200000" })
      #expect(try changed.plan().hasChanges == false)
      #expect(try context.runtime.manager.unitState("i18helpers-web.service")?.mainPID == pid, "apply restarted the process")

      // `start` on the running pool does the same.
      let again = try RuntimeHarness.runtime(
        for: Self.pool(Self.config(logMaxBytes: 300_000, port: port), folder: context.folder), like: context)
      #expect(try again.start().succeeded)
      #expect(RuntimeHarness.eventually { (try? Self.runningCap(context)) == "300000" })
      #expect(try context.runtime.manager.unitState("i18helpers-web.service")?.mainPID == pid, "start restarted the process")
    }
  }

  @Test func aHealthUnitComesAndGoesWithTheConfig() throws {
    let port = RuntimeHarness.freePort()
    try RuntimeHarness.withPool(Self.config(logMaxBytes: 100_000, port: port)) { context in
      #expect(try context.runtime.start().succeeded)
      let health = "i18helpers.health.service"
      #expect(try context.runtime.manager.unitState(health)?.activeState != .active)

      // A liveness check added to an `always` process needs the health unit.
      let checked = try RuntimeHarness.runtime(
        for: Self.pool(Self.config(logMaxBytes: 100_000, port: port, health: true), folder: context.folder), like: context)
      let plan = try checked.plan()
      #expect(plan.helpers.contains(PoolPlan.HelperChange(unit: health, action: .add, reason: "not running")), "\(plan.helpers)")
      let report = try checked.apply(plan, stopped: { _ in }, progress: { _ in })
      #expect(report?.succeeded == true, "\(String(describing: report))")
      #expect(RuntimeHarness.eventually { (try? context.runtime.manager.unitState(health))??.activeState == .active })

      // Taken out again: the health unit goes.
      let unchecked = try RuntimeHarness.runtime(
        for: Self.pool(Self.config(logMaxBytes: 100_000, port: port), folder: context.folder), like: context)
      let back = try unchecked.plan()
      // The log cap changes too: it no longer trims the health unit's own log.
      #expect(back.helpers.contains(PoolPlan.HelperChange(unit: health, action: .remove, reason: "the config no longer needs it")), "\(back.helpers)")
      _ = try unchecked.apply(back, stopped: { _ in }, progress: { _ in })
      #expect(RuntimeHarness.eventually { (try? context.runtime.manager.unitState(health))??.activeState != .active })
      #expect(try unchecked.plan().helpers == [])
    }
  }
}
