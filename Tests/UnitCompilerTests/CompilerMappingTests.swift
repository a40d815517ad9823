import ProcessConfig
import Testing
import UnitCompiler

@Suite struct CompilerMappingTests {
  let compiled = try! UnitCompiler(options: TestPools.options).compile(TestPools.demo())

  @Test func unitsComeInDependencyOrder() {
    #expect(
      compiled.units.map(\.name) == [
        "demo.slice", "demo.target",
        "demo-warmup.service", "demo-worker_a.service", "demo-worker_b.service",
        "demo-pool_manager.service", "demo-proxy.service", "demo.health.service",
      ])
  }

  @Test func dependenciesBecomeWantsAfterAndAGateWithoutRequires() throws {
    let manager = try #require(compiled.unit(named: "demo-pool_manager.service"))
    // Requires= would propagate the dependencies' stops and restarts (issue 12): never emitted.
    #expect(manager.values(of: "Requires").isEmpty)
    #expect(manager.values(of: "Wants").first == .unitNames(["demo-worker_a.service", "demo-worker_b.service"]))
    #expect(manager.values(of: "After") == [.unitNames(["demo-worker_a.service", "demo-worker_b.service"])])
    #expect(manager.values(of: "PartOf") == [.unitNames(["demo.target"])])
    guard case .exec(let gate)? = manager.values(of: "ExecCondition").first else {
      Issue.record("no gate")
      return
    }
    #expect(Array(gate.argv.dropFirst().prefix(5)) == ["gate", "--healthy", "demo-worker_a.service", "--healthy", "demo-worker_b.service"])
    let worker = try #require(compiled.unit(named: "demo-worker_a.service"))
    #expect(worker.values(of: "Requires").isEmpty)
    #expect(worker.values(of: "ExecCondition").isEmpty)
  }

  @Test func conditionsAndRestartMapToOrderingGateAndPartOf() throws {
    var pool = TestPools.demo()
    pool.processes["proxy"]!.dependencies = [
      Dependency(process: "pool_manager", condition: .started, restart: true),
      Dependency(process: "warmup", condition: .completedSuccessfully),
    ]
    let proxy = try #require(try UnitCompiler(options: TestPools.options).compile(pool).unit(named: "demo-proxy.service"))
    #expect(proxy.values(of: "PartOf") == [.unitNames(["demo.target", "demo-pool_manager.service"])])
    // `started` is not ordered After= (that would wait for the health probe); the gate waits instead.
    #expect(proxy.values(of: "After") == [.unitNames(["demo-warmup.service"])])
    #expect(proxy.values(of: "Wants").first == .unitNames(["demo-pool_manager.service", "demo-warmup.service"]))
    guard case .exec(let gate)? = proxy.values(of: "ExecCondition").first else {
      Issue.record("no gate")
      return
    }
    #expect(gate.argv.contains("--started") && gate.argv.contains("--completed"))
  }

  @Test func restartPoliciesMapExactly() throws {
    #expect(compiled.unit(named: "demo-pool_manager.service")?.values(of: "Restart") == [.string("always")])
    #expect(compiled.unit(named: "demo-proxy.service")?.values(of: "Restart") == [.string("on-failure")])
    let warmup = try #require(compiled.unit(named: "demo-warmup.service"))
    #expect(warmup.values(of: "Restart") == [.string("no")])
    #expect(warmup.values(of: "CollectMode").isEmpty, "failed runs stay visible")
    #expect(warmup.values(of: "RestartSec").isEmpty)
    #expect(compiled.unit(named: "demo-proxy.service")?.values(of: "StartLimitBurst") == [.count(5)])
  }

  @Test func backoffOnlyOnNewManagers() throws {
    var options = TestPools.options
    options.managerVersion = 252
    let old = try UnitCompiler(options: options).compile(TestPools.demo())
    #expect(old.unit(named: "demo-proxy.service")?.values(of: "RestartSteps").isEmpty == true)
    options.managerVersion = 254
    let new = try UnitCompiler(options: options).compile(TestPools.demo())
    #expect(new.unit(named: "demo-proxy.service")?.values(of: "RestartSteps") == [.count(5)])
  }

  @Test func healthCheckBecomesProbeAndStartTimeout() throws {
    let manager = try #require(compiled.unit(named: "demo-pool_manager.service"))
    #expect(
      manager.values(of: "ExecStartPost") == [
        .exec(
          ExecCommand(
            path: "/opt/cgipool/bin/cgipool",
            argv: ["/opt/cgipool/bin/cgipool", "probe", "http", "http://localhost:8001/health", "--timeout", "10", "--delay", "2"]))
      ])
    // The dependency gate's budget (worker_b's start limit of 5 starts, each its 1.5 s start
    // timeout + 5 s margin + 1 s restart delay: 37.5 s; worker_a without a check: 5 × (10 + 1) = 55 s),
    // then delay 2 + timeout 10 + 5 s margin.
    #expect(manager.values(of: "TimeoutStartSec") == [.microseconds(72_000_000)])
    let worker = try #require(compiled.unit(named: "demo-worker_b.service"))
    #expect(worker.values(of: "TimeoutStartSec") == [.microseconds(6_500_000)])
    #expect(compiled.unit(named: "demo-worker_a.service")?.values(of: "ExecStartPost").isEmpty == true)
  }
  @Test func aLargePoolsStartTimeoutsAllowForEveryProcessStartingAtOnce() throws {
    /// `count` processes, each with a 10 s port check, and one that depends on the first.
    func pool(_ count: Int) -> PoolConfig {
      var processes: [String: ProcessSpec] = [:]
      for i in 0..<count {
        var spec = ProcessSpec(name: "w\(i)", command: ["/usr/bin/sleep", "300"])
        spec.healthCheck = HealthCheck(kind: .port, target: "127.0.0.1:\(20000 + i)", timeout: 10)
        processes[spec.name] = spec
      }
      processes["front"] = ProcessSpec(name: "front", command: ["/usr/bin/sleep", "300"], dependsOn: ["w0"])
      return PoolConfig(name: "big", processes: processes, file: "big.json", baseDirectory: "/srv")
    }
    func timeouts(_ count: Int) throws -> (worker: UnitValue?, front: UnitValue?) {
      let compiled = try UnitCompiler(options: TestPools.options).compile(pool(count))
      return (compiled.unit(named: "big-w0.service")?.values(of: "TimeoutStartSec").first,
              compiled.unit(named: "big-front.service")?.values(of: "TimeoutStartSec").first)
    }
    // Up to 50 processes: the probe's 10 s and the 5 s margin.
    #expect(try timeouts(49).worker == .microseconds(15_000_000))
    #expect(StartBudget.queue(poolSize: 50) == 0)
    // 500 processes (and front): 0.2 s for each of the 451 beyond 50, rounded up to 91 s.
    #expect(StartBudget.queue(poolSize: 501) == 91)
    #expect(try timeouts(500).worker == .microseconds(106_000_000))
    // The gate waits for w0's five starts, each with the same allowance: 5 × (106 + 0.1 delay) + 5 + 91.
    let front = try timeouts(500).front
    let restartDelay = ProcessSpec(name: "x", command: ["/bin/true"]).restartDelay
    #expect(front == .microseconds(UInt64(((5 * (106 + restartDelay) + 96) * 1_000_000).rounded())))
  }


  @Test func livenessOnlyForAlwaysWithHealthCheck() throws {
    let health = try #require(compiled.unit(named: "demo.health.service"))
    guard case .exec(let command)? = health.values(of: "ExecStart").first else {
      Issue.record("no ExecStart")
      return
    }
    let checks = command.argv.enumerated().filter { $0.offset > 0 && command.argv[$0.offset - 1] == "--check" }.map(\.element)
    #expect(checks.count == 1)
    let check = try LivenessCheck.parse(checks[0]).get()
    #expect(check.process == "pool_manager" && check.unit == "demo-pool_manager.service")
    #expect(check.kind == "http" && check.failureThreshold == 3)
    #expect(check.workingDirectory == "/srv/pool")
    #expect(check.environment.map(\.name) == ["POOL_SIZE"])
    #expect(try LivenessCheck.parse(check.argument).get().argument == check.argument)
    // The target wants it, so `systemctl start demo.target` checks too.
    #expect(compiled.unit(named: "demo.target")?.values(of: "Wants").first == .unitNames([
      "demo-warmup.service", "demo-worker_a.service", "demo-worker_b.service", "demo-pool_manager.service",
      "demo-proxy.service", "demo.health.service",
    ]))
  }

  @Test func healthUnitIsSupervisedWithAWatchdog() throws {
    let health = try #require(compiled.unit(named: "demo.health.service"))
    #expect(health.values(of: "Type") == [.string("notify")])
    #expect(health.values(of: "WatchdogSec") == [.microseconds(20_000_000)])
    #expect(health.values(of: "Restart") == [.string("always")])
    #expect(health.values(of: "Slice") == [.string("demo.slice")])
    let main = try #require(compiled.unit(named: "demo-pool_manager.service"))
    #expect(main.values(of: "StartLimitIntervalSec") == [.microseconds(60_000_000)])
    #expect(main.values(of: "StartLimitBurst") == [.count(5)])
    // No liveness timer any more: its only Wants= are its dependencies (docs/dependencies.md).
    #expect(main.values(of: "Wants") == [.unitNames(["demo-worker_a.service", "demo-worker_b.service"])])
    #expect(StartLimit.summary == "5 starts in 60s")
  }

  @Test func execKeepsArgv0AndResolvesPath() throws {
    let manager = try #require(compiled.unit(named: "demo-pool_manager.service"))
    #expect(
      manager.values(of: "ExecStart") == [
        .exec(ExecCommand(path: "/usr/bin/python3", argv: ["python3", "pool/manager.py", "--port", "8001"]))
      ])
    #expect(manager.values(of: "WorkingDirectory") == [.string("/srv/pool")])
    #expect(compiled.unit(named: "demo-proxy.service")?.values(of: "WorkingDirectory") == [.string("/srv/pool/proxy")])
    #expect(manager.values(of: "Environment") == [.environment(name: "POOL_SIZE", value: "4")])
  }

  @Test func stopIsTermThenKillAfterTimeout() throws {
    let worker = try #require(compiled.unit(named: "demo-worker_a.service"))
    #expect(worker.values(of: "KillMode") == [.string("control-group")])
    #expect(worker.values(of: "KillSignal") == [.signal(15)])
    #expect(worker.values(of: "TimeoutStopSec") == [.microseconds(2_500_000)])
    #expect(worker.values(of: "SendSIGKILL") == [.bool(true)])
  }

  @Test func unresolvableCommandsAreReportedTogether() {
    var pool = TestPools.demo()
    pool.processes["proxy"]!.command[0] = "no-such-binary"
    pool.processes["worker_b"]!.command[0] = "./missing.sh"
    #expect {
      try UnitCompiler(options: TestPools.options).compile(pool)
    } throws: { error in
      guard let error = error as? ConfigError else { return false }
      return error.diagnostics.map { "\($0.path)" } == ["processes.worker_b.command[0]", "processes.proxy.command[0]"]
        && error.diagnostics[0].message.contains("missing.sh")
    }
  }

  @Test func compileIsDeterministic() throws {
    let again = try UnitCompiler(options: TestPools.options).compile(TestPools.demo())
    #expect(again == compiled)
  }
}

/// `type` and `pid_file` (issue 13): a forking command maps to `Type=forking` with the PID file
/// resolved against its working directory; everything else stays `Type=exec`.
@Suite struct ProcessTypeMappingTests {
  static func pool() -> PoolConfig {
    var daemon = ProcessSpec(name: "daemon", command: ["/usr/bin/sleep", "1"], cwd: "srv")
    daemon.type = .forking
    daemon.pidFile = "run/../daemon.pid"
    var guessed = ProcessSpec(name: "guessed", command: ["/usr/bin/sleep", "1"])
    guessed.type = .forking
    let plain = ProcessSpec(name: "plain", command: ["/usr/bin/sleep", "1"])
    return PoolConfig(
      name: "t", processes: ["daemon": daemon, "guessed": guessed, "plain": plain], file: "c.json", baseDirectory: "/base")
  }

  @Test func forkingMapsToTypeForkingWithAnAbsolutePIDFile() throws {
    let compiled = try UnitCompiler(options: TestPools.options).compile(Self.pool())
    let daemon = try #require(compiled.unit(named: "t-daemon.service"))
    #expect(daemon.values(of: "Type") == [.string("forking")])
    #expect(daemon.values(of: "PIDFile") == [.string("/base/srv/daemon.pid")])
    let guessed = try #require(compiled.unit(named: "t-guessed.service"))
    #expect(guessed.values(of: "Type") == [.string("forking")])
    #expect(guessed.values(of: "PIDFile").isEmpty, "without pid_file systemd guesses the main process")
    #expect(compiled.unit(named: "t-plain.service")?.values(of: "Type") == [.string("exec")])
    #expect(compiled.unit(named: "t-plain.service")?.values(of: "PIDFile").isEmpty == true)
  }

  @Test func bothBackEndsCarryTypeAndPIDFile() throws {
    let compiled = try UnitCompiler(options: TestPools.options).compile(Self.pool())
    let renderer = try UnitFileRenderer(templatesDirectory: TemplatesLocation.directory)
    let file = try renderer.render(try #require(compiled.unit(named: "t-daemon.service")), pool: compiled, configFile: "c.json")
    #expect(file.contains("\nType=forking\n"), "\(file)")
    #expect(file.contains("\nPIDFile=/base/srv/daemon.pid\n"), "\(file)")
    let transient = try #require(TransientUnitBuilder.build(compiled).first { $0.name == "t-daemon.service" })
    let dump = TransientUnitBuilder.dump(transient)
    #expect(dump.contains("Type") && dump.contains("forking"), "\(dump)")
    #expect(dump.contains("PIDFile") && dump.contains("/base/srv/daemon.pid"), "\(dump)")
  }
}
