import CgiPoolRuntime
import Foundation
import Testing
import UnitCompiler

extension Faults {
  /// Case 8: the manager reloads (`daemon-reload`) while the pool runs.
  @Suite struct ManagerReload {
    static let json = """
      {"name": "reload", "processes": {
        "web": {"command": ["sleep", "300"], "restart_policy": "always",
          "health_check": {"type": "command", "target": "true", "timeout": 2, "interval": 1}},
        "api": {"command": ["sleep", "301"], "depends_on": ["web"],
          "health_check": {"type": "command", "target": "true", "timeout": 2}}
      }}
      """

    /// What must not change across a reload.
    struct Snapshot: Equatable {
      var pids: [String: Int32?]
      var restarts: [String: UInt32]
      var states: [String: String]
    }

    static func snapshot(_ context: RuntimeHarness.Context) throws -> Snapshot {
      let status = try context.runtime.status()
      return Snapshot(
        pids: Dictionary(uniqueKeysWithValues: status.processes.map { ($0.process, $0.mainPID) }),
        restarts: Dictionary(uniqueKeysWithValues: status.processes.map { ($0.process, $0.restarts) }),
        states: Dictionary(uniqueKeysWithValues: status.processes.map { ($0.process, "\($0.state)/\($0.subState)") }))
    }

    @Test(arguments: ["transient units", "unit files"])
    func nothingRestartsAndStatusStaysRight(backend: String) throws {
      try RuntimeHarness.withPool(Self.json) { context in
        if backend == "unit files" {
          // Installed unit files take precedence: start finds them and starts them by name.
          let folder = try #require(context.endpoint.runtimeDirectory) + "/systemd/user"
          try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
          let renderer = try UnitFileRenderer(templatesDirectory: RuntimeHarness.templates)
          for file in try renderer.renderAll(context.compiled, configFile: "reload.json") {
            try file.text.write(toFile: folder + "/" + file.name, atomically: true, encoding: .utf8)
          }
          try context.runtime.manager.reload()
        }
        #expect(try context.runtime.start().succeeded)
        if backend == "unit files" {
          let path = try context.manager.getUnit("reload-web.service")
          let fragment = try context.manager.properties(path: path, interface: "org.freedesktop.systemd1.Unit")["FragmentPath"]
          #expect(fragment?.stringValue?.hasSuffix("/systemd/user/reload-web.service") == true, "\(String(describing: fragment))")
        }
        #expect(try RuntimeHarness.eventually(timeout: 10) { try Faults.status(context, "web").health == "healthy" })
        let before = try Self.snapshot(context)
        #expect(before.states == ["web": "active/running", "api": "active/running"])

        let healthState = try #require(context.runtime.healthState)
        let lastCheck = try #require(healthState.read()["web"]).checkedMonotonic
        let healthPID = try #require(try context.runtime.manager.unitState("reload.health.service")).mainPID
        try context.runtime.manager.reload()
        try context.runtime.manager.reload()
        // Two liveness checks must end after the reloads: the health unit survives them too.
        var checks = 0
        var seen = lastCheck
        let checkedAfter = try RuntimeHarness.eventually(timeout: 10) {
          if let check = healthState.read()["web"], check.checkedMonotonic > seen, check.healthy {
            checks += 1
            seen = check.checkedMonotonic
          }
          return checks >= 2
        }
        #expect(checkedAfter, "liveness checks stopped after the reload")
        #expect(try Faults.status(context, "web").health == "healthy")
        #expect(try Self.snapshot(context) == before)
        let health = try #require(try context.runtime.manager.unitState("reload.health.service"))
        #expect(health.activeState == .active && health.mainPID == healthPID, "\(health)")
        let again = try context.runtime.start()
        #expect(again.results.map(\.outcome) == [.alreadyRunning, .alreadyRunning], "\(again)")
      }
    }
  }
}
