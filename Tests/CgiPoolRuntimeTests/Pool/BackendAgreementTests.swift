import CgiPoolRuntime
import CgiPoolTestSupport
import Foundation
import ProcessConfig
import SystemdBus
import Testing
import UnitCompiler

/// The two back ends agree: for the same compiled pool, systemd reports the same
/// settings whether the units came from unit files or over D-Bus.
@Suite(.enabled(if: PrivateManagerFixture.enabled)) struct BackendAgreementTests {
  /// Properties compared, by interface.
  static let unitKeys = [
    "Description", "Requires", "After", "PartOf", "Wants", "StartLimitIntervalUSec", "StartLimitBurst", "CollectMode",
    "Triggers", "TriggeredBy", "Before",
  ]
  /// What `listen` sets on a process's socket.
  static let socketKeys = ["Listen", "Backlog", "FileDescriptorName", "Slice", "ReusePort", "Accept"]
  /// The port `open`'s socket holds (free when the suite loaded).
  static let port = RuntimeHarness.freePort()
  static let serviceKeys = [
    "Type", "Slice", "WorkingDirectory", "Environment", "ExecCondition", "ExecStart", "ExecStartPost", "Restart", "RestartUSec",
    "TimeoutStartUSec", "TimeoutStopUSec", "KillMode", "KillSignal", "SendSIGKILL", "ExecConditionEx",
    "MemoryMax", "CPUQuotaPerSecUSec", "TasksMax", "LimitNOFILE", "LimitNOFILESoft",
  ] + sandboxKeys
  /// Every property the sandbox sets: both back ends must leave the manager with the same values.
  static let sandboxKeys = [
    "User", "DynamicUser", "NoNewPrivileges", "ProtectSystem", "ProtectHome", "ReadWritePaths", "PrivateTmp",
    "PrivateDevices", "PrivateMounts", "PrivateUsers", "ProtectProc", "ProcSubset", "ProtectKernelTunables",
    "ProtectKernelModules", "ProtectKernelLogs", "ProtectControlGroups", "ProtectClock", "ProtectHostname",
    "RestrictSUIDSGID", "RestrictRealtime", "LockPersonality", "RestrictNamespaces", "MemoryDenyWriteExecute",
    "RestrictAddressFamilies", "SystemCallArchitectures", "SystemCallFilter", "SystemCallErrorNumber",
    "CapabilityBoundingSet", "AmbientCapabilities", "UMask",
  ]

  static let json = """
    {"name": "agree", "processes": {
      "base": {"command": ["sleep", "300"], "env": {"A": "50% $HOME \\"q\\""}, "restart_policy": "always",
        "limits": {"memory": "64M", "cpu": "150%", "tasks": 32, "nofile": 2048},
        "restart_delay": 0.5, "stop_timeout": 3,
        "health_check": {"type": "command", "target": "test -d /", "timeout": 2, "interval": 30}},
      "mid": {"command": ["sleep", "301"], "depends_on": ["base"], "startup_delay": 0.1, "stop_signal": "SIGWINCH",
        "health_check": {"type": "command", "target": "true", "timeout": 3}},
      "once": {"command": ["sleep", "302"], "restart_policy": "no",
        "depends_on": ["mid", {"process": "base", "condition": "started", "restart": true}],
        "sandbox": {"level": "strict", "writable": ["data dir", "/var/lib/i18 100%"], "capabilities": ["CAP_NET_BIND_SERVICE"],
          "memory_deny_write_execute": false}},
      "open": {"command": ["sleep", "303"], "sandbox": "none", "listen": ["127.0.0.1:\(port)", "/tmp/iS-agree-\(port).sock"]}
    }}
    """

  /// What systemd reports for the pool's units: unit name → property → value.
  /// Runtime-only fields of exec commands (timestamps, PIDs) are dropped.
  static func snapshot(_ manager: SystemdManager, units: [String]) throws -> [String: [String: BusValue]] {
    var result: [String: [String: BusValue]] = [:]
    for unit in units {
      var properties: [String: BusValue] = [:]
      // LoadUnit, not GetUnit: a unit file nobody started is unloaded again at the next garbage collection.
      let path = try manager.loadUnit(unit)
      let common = try manager.properties(path: path, interface: SystemdManager.unitInterface)
      // Dependency lists are sets to systemd; its order is a hash order.
      for key in unitKeys { properties[key] = common[key].map(sortedIfStrings) }
      if unit.hasSuffix(".socket") {
        let socket = try manager.properties(path: path, interface: "org.freedesktop.systemd1.Socket")
        for key in socketKeys { properties[key] = socket[key] }
      }
      if unit.hasSuffix(".service") {
        let service = try manager.properties(path: path, interface: SystemdManager.serviceInterface)
        for key in serviceKeys { properties[key] = service[key].map(configurationOnly) }
      }
      result[unit] = properties
    }
    return result
  }

  /// An `as` value sorted; anything else unchanged.
  static func sortedIfStrings(_ value: BusValue) -> BusValue {
    guard case .array("s", let entries) = value else { return value }
    return .array("s", entries.sorted { ($0.stringValue ?? "") < ($1.stringValue ?? "") })
  }

  /// `a(sasbttttuii)` exec entries reduced to path, argv and ignore-failure; `a(sasasttttuii)`
  /// (`Exec*Ex`) entries to path, argv and flags.
  static func configurationOnly(_ value: BusValue) -> BusValue {
    guard case .array(let signature, let entries) = value else { return value }
    let kept = signature.hasPrefix("(sasas") ? "(sasas)" : signature.hasPrefix("(sasb") ? "(sasb)" : nil
    guard let kept else { return value }
    return .array(kept, entries.map { entry in .struct(Array((entry.structFields ?? []).prefix(3))) })
  }

  @Test func unitFilesAndTransientUnitsMatch() throws {
    try RuntimeHarness.withPool(Self.json) { context in
      let names = context.compiled.units.filter { $0.kind == .service || $0.kind == .socket }.map(\.name)
      // 1. Unit files, loaded (not started) from the manager's runtime unit folder.
      let folder = try #require(context.endpoint.runtimeDirectory) + "/systemd/user"
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      let renderer = try UnitFileRenderer(templatesDirectory: RuntimeHarness.templates)
      let files = try renderer.renderAll(context.compiled, configFile: "agree.json")
      for file in files { try file.text.write(toFile: folder + "/" + file.name, atomically: true, encoding: .utf8) }
      try context.manager.reload()
      let fromFiles = try Self.snapshot(context.manager, units: names)

      // 2. The same units over D-Bus, once the files are gone.
      for file in files { try FileManager.default.removeItem(atPath: folder + "/" + file.name) }
      try context.manager.reload()
      #expect(try context.runtime.start().succeeded)
      let fromBus = try Self.snapshot(context.manager, units: names)

      for name in names {
        for key in Set(fromFiles[name, default: [:]].keys).union(fromBus[name, default: [:]].keys).sorted() {
          let file = fromFiles[name]?[key]
          let bus = fromBus[name]?[key]
          // The transient units leave out the target (systemd cannot create targets over D-Bus).
          let expectedBus = key == "Wants" || key == "PartOf" || key == "Before" ? file.map { Self.withoutTarget($0) } : file
          #expect(bus == expectedBus, "\(name) \(key): file \(String(describing: file)) vs bus \(String(describing: bus))")
        }
      }
      #expect(fromBus["agree-base.service"]?["ExecStart"] != nil, "the comparison must cover real settings")

      // What the manager loaded is what the sandbox asked for, not just what both back ends sent.
      let once = try #require(fromBus["agree-once.service"])
      #expect(once["ProtectSystem"] == .string("strict"))
      #expect(once["NoNewPrivileges"] == .bool(true))
      #expect(once["PrivateUsers"] == .bool(false), "a kept capability needs the host's user namespace")
      // The dependency gate runs outside the sandbox ('+', the privileged flag), through both back ends.
      let gateFlags = once["ExecConditionEx"]?.arrayValues?.first?.structFields?[2].arrayValues?.compactMap(\.stringValue)
      #expect(gateFlags == ["privileged"], "\(String(describing: once["ExecConditionEx"]))")
      let limited = try #require(fromBus["agree-base.service"])
      #expect(limited["MemoryMax"] == .uint64(64 << 20))
      #expect(limited["CPUQuotaPerSecUSec"] == .uint64(1_500_000))
      #expect(limited["TasksMax"] == .uint64(32))
      #expect(limited["LimitNOFILE"] == .uint64(2048))
      #expect(once["MemoryDenyWriteExecute"] == .bool(false))
      #expect(once["CapabilityBoundingSet"] == .uint64(Capability.netBindService.bit))
      #expect(once["AmbientCapabilities"] == .uint64(Capability.netBindService.bit))
      #expect(once["UMask"] == .uint32(0o077))
      #expect(once["RestrictNamespaces"] == .uint64(0))
      #expect(
        once["ReadWritePaths"] == .strings(["-" + context.folder + "/data dir", "-/var/lib/i18 100%"].sorted()),
        "\(String(describing: once["ReadWritePaths"]))")
      let base = try #require(fromBus["agree-base.service"])
      #expect(base["ProtectSystem"] == .string("full"))
      #expect(base["MemoryDenyWriteExecute"] == .bool(true))
      #expect(base["CapabilityBoundingSet"] == .uint64(0))
      #expect(base["PrivateDevices"] == .bool(true))
      let health = try #require(fromBus["agree.health.service"])
      #expect(health["CapabilityBoundingSet"] == .uint64(Capability.kill.bit))
      #expect(health["NoNewPrivileges"] == .bool(true))
      let open = try #require(fromBus["agree-open.service"])
      #expect(open["ProtectSystem"] == .string("no"))
      #expect(open["NoNewPrivileges"] == .bool(false))
      // `listen`: the socket holds both addresses, names its fds after the process, feeds its service.
      let socket = try #require(fromBus["agree-open.socket"])
      #expect(socket["FileDescriptorName"] == .string("open"))
      #expect(socket["Backlog"] == .uint32(4096))
      #expect(socket["Triggers"] == .strings(["agree-open.service"]))
      #expect(socket["Slice"] == .string("agree.slice"))
      let listen = socket["Listen"]?.arrayValues?.compactMap { $0.structFields?.compactMap(\.stringValue) }
      #expect(listen == [["Stream", "127.0.0.1:\(Self.port)"], ["Stream", "/tmp/iS-agree-\(Self.port).sock"]], "\(String(describing: listen))")
    }
  }

  static func withoutTarget(_ value: BusValue) -> BusValue {
    guard case .array(let signature, let entries) = value else { return value }
    return .array(signature, entries.filter { $0.stringValue != "agree.target" })
  }
}
