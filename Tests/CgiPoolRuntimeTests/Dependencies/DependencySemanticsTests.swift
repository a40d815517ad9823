import CgiPoolRuntime
import CgiPoolTestSupport
import Foundation
import SystemdBus
import Testing
import UnitCompiler

/// `depends_on` semantics on a real private manager (docs/dependencies.md): start order and
/// health gating without stop/restart propagation by default, `restart: true` propagation,
/// held-back dependents that are skipped (not failed) and start later, and the conditions.
@Suite(.enabled(if: PrivateManagerFixture.enabled)) struct DependencySemanticsTests {
  static func pid(_ context: RuntimeHarness.Context, _ unit: String) throws -> Int32 {
    try context.runtime.manager.unitState(unit)?.mainPID ?? 0
  }

  @Test func aCrashOrRestartOfTheDependencyLeavesPlainDependentsAloneAndRestartsRestartTrueOnes() throws {
    let json = """
      {"name": "i12-dep", "processes": {
        "base": {"command": ["sleep", "300"], "restart_policy": "always", "restart_delay": 0.1,
          "health_check": {"type": "command", "target": "true", "timeout": 5}},
        "plain": {"command": ["sleep", "301"], "depends_on": ["base"]},
        "bound": {"command": ["sleep", "302"], "depends_on": [{"process": "base", "restart": true}]}
      }}
      """
    try RuntimeHarness.withPool(json) { context in
      #expect(try context.runtime.start().succeeded)
      let base = try Self.pid(context, "i12-dep-base.service")
      let plain = try Self.pid(context, "i12-dep-plain.service")
      let bound = try Self.pid(context, "i12-dep-bound.service")
      #expect(base > 0 && plain > 0 && bound > 0)

      // 1. The dependency crashes and systemd restarts it.
      kill(base, SIGKILL)
      let restarted = try RuntimeHarness.eventually(timeout: 10) {
        let state = try context.runtime.manager.unitState("i12-dep-base.service")
        return state?.isActive == true && state?.mainPID != base && state?.mainPID != 0
      }
      #expect(restarted)
      let boundAgain = try RuntimeHarness.eventually(timeout: 10) {
        let now = try Self.pid(context, "i12-dep-bound.service")
        return now != 0 && now != bound
      }
      #expect(boundAgain, "restart: true restarts the dependent with its dependency")
      #expect(try Self.pid(context, "i12-dep-plain.service") == plain, "a plain dependent keeps running")
      #expect(RuntimeHarness.isAlive(plain))

      // 2. `cgipool restart base` restarts it alone (and its restart: true dependent).
      let boundBefore = try Self.pid(context, "i12-dep-bound.service")
      let baseBefore = try Self.pid(context, "i12-dep-base.service")
      let report = try context.runtime.restart(["base"])
      #expect(report.start.succeeded)
      #expect(Set(report.start.results.map(\.process)) == ["base", "bound"])
      #expect(try Self.pid(context, "i12-dep-base.service") != baseBefore)
      #expect(try Self.pid(context, "i12-dep-bound.service") != boundBefore)
      #expect(try Self.pid(context, "i12-dep-plain.service") == plain)
      #expect(try context.runtime.manager.unitState("i12-dep-plain.service")?.restarts == 0)
    }
  }

  @Test func aFailedDependencyHoldsItsDependentBackWithoutFailingItAndTheNextStartStartsIt() throws {
    // base comes up only once `ok` exists; app must never start before it is healthy.
    let json = """
      {"name": "i12-held", "processes": {
        "base": {"command": ["sh", "-c", "test -e ok && exec sleep 300; exit 1"], "restart_policy": "on-failure",
          "restart_delay": 0.1, "health_check": {"type": "command", "target": "test -e ok", "timeout": 0.5}},
        "app": {"command": ["sh", "-c", "test -e ok || touch app-started-early; exec sleep 301"], "restart_policy": "always",
          "restart_delay": 0.1, "depends_on": ["base"]}
      }}
      """
    try RuntimeHarness.withPool(json) { context in
      let first = try context.runtime.start()
      let outcomes = Dictionary(uniqueKeysWithValues: first.results.map { ($0.process, $0.outcome) })
      guard case .failed? = outcomes["base"] else {
        Issue.record("base: \(String(describing: outcomes["base"]))")
        return
      }
      #expect(outcomes["app"] == .dependencyFailed("not started: dependency base did not start"))
      // Skipped by its gate: not failed, not restarted, no start-limit; it never ran.
      let app = try context.runtime.manager.unitState("i12-held-app.service")
      #expect(app == nil || (app?.activeState == .inactive && app?.restarts == 0), "\(String(describing: app))")
      #expect(!FileManager.default.fileExists(atPath: context.folder + "/app-started-early"))
      let log = (try? String(contentsOfFile: context.folder + "/logs/app.log", encoding: .utf8)) ?? ""
      #expect(log.contains("gate: not starting: dependency i12-held-base.service is failed"), "\(log)")

      // Once the dependency can be healthy, the next start starts both.
      FileManager.default.createFile(atPath: context.folder + "/ok", contents: nil)
      let second = try context.runtime.start()
      #expect(second.succeeded, "\(second)")
      #expect(try context.runtime.manager.unitState("i12-held-app.service")?.isActive == true)
      #expect(!FileManager.default.fileExists(atPath: context.folder + "/app-started-early"))
    }
  }

  @Test func startedAndCompletedSuccessfullyConditions() throws {
    // slow is healthy only once `quick` (which needs it merely started) has run; web needs
    // migrate to have finished (it writes `migrated` at its very end).
    let json = """
      {"name": "i12-cond", "processes": {
        "slow": {"command": ["sleep", "300"],
          "health_check": {"type": "command", "target": "test -e quick-ran", "timeout": 10}},
        "quick": {"command": ["sh", "-c", "touch quick-ran; exec sleep 301"],
          "depends_on": [{"process": "slow", "condition": "started"}]},
        "migrate": {"command": ["sh", "-c", "sleep 0.5; touch migrated"], "restart_policy": "no"},
        "web": {"command": ["sh", "-c", "test -e migrated && exec sleep 302; exit 7"], "restart_policy": "no",
          "depends_on": [{"process": "migrate", "condition": "completed_successfully"}, "slow"]}
      }}
      """
    try RuntimeHarness.withPool(json) { context in
      let report = try context.runtime.start()
      #expect(report.succeeded, "\(report)")
      for unit in ["i12-cond-slow.service", "i12-cond-quick.service", "i12-cond-web.service"] {
        #expect(try context.runtime.manager.unitState(unit)?.isActive == true, "\(unit)")
      }
    }
  }

  @Test func aFailedCompletionHoldsBackItsDependent() throws {
    let json = """
      {"name": "i12-comp", "processes": {
        "migrate": {"command": ["sh", "-c", "exit 3"], "restart_policy": "no"},
        "web": {"command": ["sleep", "302"], "depends_on": [{"process": "migrate", "condition": "completed_successfully"}]}
      }}
      """
    try RuntimeHarness.withPool(json) { context in
      let report = try context.runtime.start()
      let outcomes = Dictionary(uniqueKeysWithValues: report.results.map { ($0.process, $0.outcome) })
      #expect(outcomes["web"] == .dependencyFailed("not started: dependency migrate did not start"), "\(report)")
      let web = try context.runtime.manager.unitState("i12-comp-web.service")
      #expect(web == nil || web?.activeState == .inactive)
    }
  }

  /// The unit-file back end under `systemctl start <pool>.target` alone: the gate skips the
  /// dependent while its dependency is down, and the next start of the target starts it.
  @Test func unitFilesUnderTheTargetHoldBackAndRecover() throws {
    let json = """
      {"name": "i12-files", "processes": {
        "base": {"command": ["sh", "-c", "test -e ok && exec sleep 300; exit 1"], "restart_policy": "no",
          "health_check": {"type": "command", "target": "test -e ok", "timeout": 0.5}},
        "app": {"command": ["sleep", "301"], "restart_policy": "always", "depends_on": ["base"]},
        "bound": {"command": ["sleep", "302"], "depends_on": [{"process": "base", "restart": true}]}
      }}
      """
    try RuntimeHarness.withPool(json) { context in
      let folder = try #require(context.endpoint.runtimeDirectory) + "/systemd/user"
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      let renderer = try UnitFileRenderer(templatesDirectory: RuntimeHarness.templates)
      let files = try renderer.renderAll(context.compiled, configFile: "files.json")
      defer {
        for file in files { try? FileManager.default.removeItem(atPath: folder + "/" + file.name) }
        try? context.manager.reload()
      }
      for file in files { try file.text.write(toFile: folder + "/" + file.name, atomically: true, encoding: .utf8) }
      try context.manager.reload()
      func state(_ unit: String) throws -> UnitState? { try context.runtime.manager.unitState(unit) }

      _ = try context.manager.startUnit("i12-files.target")
      let settled = try RuntimeHarness.eventually(timeout: 10) {
        try state("i12-files-base.service")?.activeState == .failed
          && state("i12-files-app.service")?.activeState == .inactive
      }
      #expect(settled)
      #expect(try state("i12-files-app.service")?.restarts == 0)

      FileManager.default.createFile(atPath: context.folder + "/ok", contents: nil)
      try context.manager.resetFailedUnit("i12-files-base.service")
      _ = try context.manager.startUnit("i12-files.target")
      let up = try RuntimeHarness.eventually(timeout: 10) {
        try ["base", "app", "bound"].allSatisfy { try state("i12-files-\($0).service")?.isActive == true }
      }
      #expect(up)
      let app = try state("i12-files-app.service")?.mainPID ?? 0
      let bound = try state("i12-files-bound.service")?.mainPID ?? 0
      // A stop of the dependency stops only the restart: true dependent.
      _ = try context.manager.stopUnit("i12-files-base.service")
      // Stopped means its process is gone too, not only that the unit left `active` (it is
      // `deactivating` while its process handles SIGTERM).
      #expect(
        try RuntimeHarness.eventually(timeout: 10) {
          try state("i12-files-bound.service")?.isActive != true && !RuntimeHarness.isAlive(bound)
        })
      #expect(try state("i12-files-app.service")?.mainPID == app)
      _ = try context.manager.stopUnit("i12-files.target")
    }
  }
}
