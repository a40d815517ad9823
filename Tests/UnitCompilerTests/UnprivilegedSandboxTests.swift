import ProcessConfig
import Testing
import UnitCompiler

/// The sandbox compiled for a manager without root (an ordinary user's `systemd --user`): what
/// such a manager cannot apply is left out, and `PrivateUsers=` carries the mount settings.
@Suite struct UnprivilegedSandboxTests {
  static func compiled(unprivileged: Bool) throws -> CompiledPool {
    var options = TestPools.options
    options.unprivilegedManager = unprivileged
    options.logDirectory = "/home/u/logs"
    var pool = TestPools.demo()
    pool.processes["worker_a"]!.sandbox = Sandbox(level: .strict, capabilities: [.netBindService])
    return try UnitCompiler(options: options).compile(pool)
  }

  @Test func everyHardenedUnitGetsAUserNamespaceAndNoCapabilitySettings() throws {
    let compiled = try Self.compiled(unprivileged: true)
    for name in ["demo-pool_manager.service", "demo-worker_a.service", "demo.health.service", "demo.logcap.service"] {
      let unit = try #require(compiled.unit(named: name))
      #expect(unit.values(of: "PrivateUsers") == [.bool(true)], "\(name)")
      #expect(unit.values(of: "CapabilityBoundingSet").isEmpty, "\(name)")
      #expect(unit.values(of: "AmbientCapabilities").isEmpty, "\(name)")
      #expect(unit.values(of: "ProtectKernelLogs").isEmpty, "\(name)")
      #expect(unit.values(of: "NoNewPrivileges") == [.bool(true)], "\(name)")
      #expect(!unit.values(of: "ProtectHome").isEmpty, "\(name)")
    }
  }

  @Test func aRootManagerKeepsTheFullSet() throws {
    let compiled = try Self.compiled(unprivileged: false)
    let manager = try #require(compiled.unit(named: "demo-pool_manager.service"))
    #expect(manager.values(of: "PrivateUsers").isEmpty, "default leaves the user namespace out under root")
    #expect(manager.values(of: "CapabilityBoundingSet").count == 1)
    #expect(manager.values(of: "ProtectKernelLogs") == [.bool(true)])
    let worker = try #require(compiled.unit(named: "demo-worker_a.service"))
    #expect(worker.values(of: "PrivateUsers").isEmpty, "a kept capability needs the host's user namespace")
    #expect(worker.values(of: "AmbientCapabilities").count == 1)
  }

  @Test func noneStaysNone() throws {
    var options = TestPools.options
    options.unprivilegedManager = true
    var pool = TestPools.demo()
    pool.processes["warmup"]!.sandbox = Sandbox(level: .none)
    let unit = try #require(try UnitCompiler(options: options).compile(pool).unit(named: "demo-warmup.service"))
    #expect(unit.values(of: "PrivateUsers").isEmpty)
    #expect(unit.values(of: "NoNewPrivileges").isEmpty)
  }
}
