import CgiPoolRuntime
import ProcessConfig
import Testing

@Suite("HostPlan: one unit set per host, stages gated across hosts")
struct HostPlanTests {
  func pool(_ processes: [(String, String?, [String])]) -> PoolConfig {
    var specs: [String: ProcessSpec] = [:]
    for (name, host, dependencies) in processes {
      var spec = ProcessSpec(name: name, command: ["true"], dependsOn: dependencies)
      spec.host = host
      specs[name] = spec
    }
    var config = PoolConfig(name: "i16", processes: specs, file: "p.json", baseDirectory: "/")
    config.hosts = ["a": "root@a", "b": "root@b:2222", "c": "c"]
    return config
  }

  @Test("Manager on one host, workers on two: the workers wait one stage; stop runs it backwards")
  func managerAndWorkers() {
    let plan = HostPlan(pool: pool([("manager", "a", []), ("w1", "b", ["manager"]), ("w2", "c", ["manager"])]))
    #expect(plan.hosts == ["a", "b", "c"])
    #expect(plan.isSpread)
    #expect(
      plan.stages() == [
        [HostPlan.Step(host: "a", processes: ["manager"])],
        [HostPlan.Step(host: "b", processes: ["w1"]), HostPlan.Step(host: "c", processes: ["w2"])],
      ])
    #expect(plan.crossHostDependencies(of: "w1").map(\.process) == ["manager"])
    #expect(plan.crossHostDependencies(of: "w1").map(\.host) == ["a"])
    #expect(plan.address(of: "b") == "root@b:2222")
  }

  @Test("Same-host dependencies stay with systemd (Requires=/After=); only other hosts' cost a stage")
  func sameHostStaysInStage() {
    let plan = HostPlan(pool: pool([
      ("db", nil, []), ("cache", nil, ["db"]), ("api", "a", ["cache"]), ("proxy", nil, ["api"]), ("side", "a", []),
    ]))
    #expect(plan.hosts == [PoolConfig.localHostName, "a"])
    #expect(plan.stageOf == ["db": 0, "cache": 0, "side": 0, "api": 1, "proxy": 2])
    let local = plan.subPool(for: PoolConfig.localHostName)
    #expect(local.processNames == ["cache", "db", "proxy"])
    #expect(local.processes["proxy"]?.dependsOn == [], "api runs on a: gated by cgipool, not a unit dependency")
    #expect(local.processes["cache"]?.dependsOn == ["db"])
    #expect(local.hosts.isEmpty)
    #expect(plan.subPool(for: "a").processNames == ["api", "side"])
  }

  @Test("Selections follow dependencies and dependents across hosts")
  func selections() {
    let plan = HostPlan(pool: pool([("manager", "a", []), ("w1", "b", ["manager"]), ("w2", "c", ["manager"]), ("x", nil, [])]))
    #expect(plan.withDependencies(["w1"]) == ["w1", "manager"])
    #expect(plan.withDependents(["manager"]) == ["manager", "w1", "w2"])
    #expect(plan.stages(of: plan.withDependencies(["w1"])).map { $0.map(\.host) } == [["a"], ["b"]])
    #expect(plan.withDependencies([]).count == 4)
  }

  @Test("A pool on this machine only is not spread")
  func localOnly() {
    var config = pool([("a", nil, []), ("b", nil, ["a"])])
    config.hosts = [:]
    let plan = HostPlan(pool: config)
    #expect(!plan.isSpread)
    #expect(plan.stages().count == 1)
  }
}
