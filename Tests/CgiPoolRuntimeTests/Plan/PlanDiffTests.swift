import CgiPoolRuntime
import Foundation
import ProcessConfig
import Testing
import UnitCompiler

/// `plan`'s diff logic without a manager: compiled units against loaded states.
@Suite struct PlanDiffTests {
  private struct AnyFolder: FileSystemInspecting {
    func isExecutableFile(_ path: String) -> Bool { true }
    func isDirectory(_ path: String) -> Bool { !path.hasSuffix(".env") }
    func exists(_ path: String) -> Bool { true }
  }

  /// db <- api <- web, a lone worker and a run-once job.
  static func pool(_ change: (inout [String: ProcessSpec]) -> Void = { _ in }) -> PoolConfig {
    var processes: [String: ProcessSpec] = [:]
    for spec in [
      ProcessSpec(name: "db", command: ["/bin/db", "$HOME"], env: ["A": "1"]),
      ProcessSpec(name: "api", command: ["/bin/api"], dependsOn: ["db"]),
      ProcessSpec(name: "web", command: ["/bin/web"], dependsOn: ["api"]),
      ProcessSpec(name: "worker", command: ["/bin/worker"], restartPolicy: .always),
      ProcessSpec(name: "job", command: ["/bin/job"], restartPolicy: .no),
    ] {
      processes[spec.name] = spec
    }
    change(&processes)
    return PoolConfig(name: "i15plan", processes: processes, file: "p.json", baseDirectory: "/srv")
  }

  static func compile(_ pool: PoolConfig) throws -> CompiledPool {
    try UnitCompiler(options: CompileOptions(probeExecutable: "/opt/cgipool", searchPath: "/usr/bin", fileSystem: AnyFolder())).compile(pool)
  }

  /// What a manager reports for a compiled service once it runs: `$` doubled in argv, the slice
  /// among the requirements.
  static func loaded(_ compiled: CompiledPool, running processes: [String]) -> [String: UnitState] {
    var states: [String: UnitState] = [:]
    for definition in compiled.units where definition.kind == .service {
      guard let process = definition.process, processes.contains(process) else { continue }
      var state = UnitState(name: definition.name, activeState: .active, subState: .running, mainPID: 100)
      for value in definition.values(of: "ExecStart") {
        if case .exec(let command) = value {
          state.execStart.append(ExecCommandState(path: command.path, argv: command.argv.map(TransientUnitBuilder.doublingDollars)))
        }
      }
      for value in definition.values(of: "Environment") { if case .environment(let n, let v) = value { state.environment.append(n + "=" + v) } }
      if case .string(let folder)? = definition.values(of: "WorkingDirectory").first { state.workingDirectory = folder }
      for value in definition.values(of: "EnvironmentFile") {
        if case .environmentFile(let path, let optional) = value { state.environmentFiles.append((optional ? "-" : "") + path) }
      }
      if case .string(let restart)? = definition.values(of: "Restart").first { state.restart = restart }
      if case .microseconds(let usec)? = definition.values(of: "RestartSec").first { state.restartMicroseconds = usec }
      if case .microseconds(let usec)? = definition.values(of: "TimeoutStopSec").first { state.timeoutStopMicroseconds = usec }
      if case .signal(let number)? = definition.values(of: "KillSignal").first { state.killSignal = number }
      // The manager adds its own dependencies (the slice, basic.target); a file adds the target.
      func units(_ key: String) -> [String] {
        definition.values(of: key).flatMap { value -> [String] in
          guard case .unitNames(let names) = value else { return [] }
          return names
        }
      }
      state.wants = units("Wants")
      state.after = ["i15plan.slice", "basic.target"] + units("After")
      state.partOf = units("PartOf")
      states[definition.name] = state
    }
    return states
  }

  static let running = ["db", "api", "web", "worker"]

  @Test func anUnchangedPoolHasNothingToApply() throws {
    let pool = Self.pool()
    let plan = PlanDiff.plan(pool: pool, compiled: try Self.compile(pool), loaded: Self.loaded(try Self.compile(pool), running: Self.running))
    #expect(!plan.hasChanges, "\(plan)")
    #expect(plan.entries.map(\.process) == ["api", "db", "job", "web", "worker"])
    #expect(plan.entries.allSatisfy { $0.action == .unchanged })
  }

  @Test func anEnvChangeNamesExactlyThatProcessAndSettingAndItsDependentsFollow() throws {
    let before = Self.pool()
    let after = Self.pool { $0["db"]!.env["A"] = "2" }
    let plan = PlanDiff.plan(pool: after, compiled: try Self.compile(after), loaded: Self.loaded(try Self.compile(before), running: Self.running))
    let db = try #require(plan.entries.first { $0.process == "db" })
    #expect(db.action == .change)
    #expect(db.settings == [PoolPlan.SettingChange(key: "Environment", old: ["A=1"], new: ["A=2"])])
    #expect(plan.entries.filter { $0.action == .change }.map(\.process) == ["db"])
    // api requires db, web requires api: both go down and up with it.
    #expect(plan.entries.first { $0.process == "api" }?.follows == ["db"])
    #expect(plan.entries.first { $0.process == "web" }?.follows == ["api"])
    #expect(plan.entries.first { $0.process == "worker" }?.follows == [])
    #expect(plan.restarts == ["api", "db", "web"])
  }

  @Test func addsRemovesAndEveryComparedSetting() throws {
    let before = Self.pool()
    let after = Self.pool {
      $0["worker"]!.command = ["/bin/worker", "--fast"]
      $0["worker"]!.stopTimeout = 3
      $0["worker"]!.stopSignal = .quit
      $0["worker"]!.restartPolicy = .onFailure
      $0["worker"]!.envFiles = [EnvironmentFile(written: "-w.env")]
      $0["new"] = ProcessSpec(name: "new", command: ["/bin/new"])
    }
    var loaded = Self.loaded(try Self.compile(before), running: Self.running)
    loaded["i15plan-gone.service"] = UnitState(name: "i15plan-gone.service", activeState: .active)
    let plan = PlanDiff.plan(pool: after, compiled: try Self.compile(after), loaded: loaded)
    let actions = Dictionary(uniqueKeysWithValues: plan.entries.map { ($0.process, $0.action) })
    #expect(actions == ["api": .unchanged, "db": .unchanged, "gone": .remove, "job": .unchanged, "new": .add, "web": .unchanged, "worker": .change])
    let worker = try #require(plan.entries.first { $0.process == "worker" })
    #expect(worker.settings.map(\.key) == ["ExecStart", "EnvironmentFile", "Restart", "KillSignal", "TimeoutStopSec"])
    #expect(worker.settings[3].old == ["SIGTERM"] && worker.settings[3].new == ["SIGQUIT"])
    #expect(worker.settings.first?.old == ["/bin/worker /bin/worker"] && worker.settings.first?.new == ["/bin/worker /bin/worker --fast"])
    #expect(worker.settings.last?.old == ["10s"] && worker.settings.last?.new == ["3s"])
    #expect(worker.settings[1].new == ["-/srv/w.env"])
    #expect(plan.hasChanges)
  }

  /// A changed `depends_on` is a change of the dependent's `Wants=`/`After=`/`PartOf=`, read
  /// back only as far as they name the pool's services (the manager adds its own).
  @Test func aChangedDependencyIsAChange() throws {
    let before = Self.pool()
    let after = Self.pool {
      $0["web"]!.dependencies = [Dependency(process: "api", restart: true)]
      $0["worker"]!.dependencies = [Dependency(process: "db", condition: .started)]
    }
    let plan = PlanDiff.plan(pool: after, compiled: try Self.compile(after), loaded: Self.loaded(try Self.compile(before), running: Self.running))
    let web = try #require(plan.entries.first { $0.process == "web" })
    #expect(web.action == .change)
    #expect(web.settings == [PoolPlan.SettingChange(key: "PartOf", old: [], new: ["i15plan-api.service"])])
    let worker = try #require(plan.entries.first { $0.process == "worker" })
    // `started` gives no After=: only Wants= (and the gate) change.
    #expect(worker.settings.map(\.key) == ["ExecCondition", "Wants"].filter(UnitSettings.keys.contains))
    #expect(worker.settings.first?.new == ["i15plan-db.service"])
    #expect(plan.entries.filter { $0.action == .change }.map(\.process) == ["web", "worker"])
  }

  @Test func anEditedEnvFileIsAChange() throws {
    let pool = Self.pool { $0["api"]!.envFiles = [EnvironmentFile(written: "api.env")] }
    let compiled = try Self.compile(pool)
    let plan = PlanDiff.plan(pool: pool, compiled: compiled, loaded: Self.loaded(compiled, running: Self.running), editedEnvFiles: ["api": ["/srv/api.env"]])
    let api = try #require(plan.entries.first { $0.process == "api" })
    #expect(api.action == .change && api.settings.isEmpty && api.editedEnvFiles == ["/srv/api.env"])
    // The loaded definition restarts to read the file again: web, which depends on api without
    // `restart: true`, keeps running.
    #expect(plan.restarts == ["api"])
  }

  /// db and two instances of worker (env `B`), which depends on db when `onDB`.
  static func replicated(db: String = "1", b: String = "1", onDB: Bool = false) throws -> PoolConfig {
    try ConfigLoader.parse(Array("""
      {"name": "i15plan", "processes": {
        "db": {"command": ["/bin/db"], "env": {"A": "\(db)"}},
        "worker": {"command": ["/bin/worker"], "replicas": 2, "env": {"B": "\(b)"}\(onDB ? #", "depends_on": ["db"]"# : "")}
      }}
      """.utf8), file: "p.json", baseDirectory: "/srv")
  }

  @Test func aReplicatedProcessRollsUnlessAChangedDependencyTakesItDown() throws {
    let running = ["db", "worker@1", "worker@2"]
    var (before, after) = (try Self.replicated(), try Self.replicated(b: "2"))
    var plan = PlanDiff.plan(pool: after, compiled: try Self.compile(after), loaded: Self.loaded(try Self.compile(before), running: running))
    #expect(plan.rolling == ["worker@1", "worker@2"])
    #expect(plan.restarts == ["worker@1", "worker@2"])
    // The instances depend on db: a changed db stops them with it, so they start afresh, not one by one.
    (before, after) = (try Self.replicated(onDB: true), try Self.replicated(db: "2", b: "2", onDB: true))
    plan = PlanDiff.plan(pool: after, compiled: try Self.compile(after), loaded: Self.loaded(try Self.compile(before), running: running))
    #expect(plan.rolling == [])
    #expect(plan.restarts == ["db", "worker@1", "worker@2"])
  }

  @Test func aSocketIsComparedByItsAddressesInTheManagersSpelling() throws {
    let pool = Self.pool { $0["worker"]!.listen = [ListenAddress("[0:0::1]:9001")!, ListenAddress("127.0.0.1:9002")!] }
    let compiled = try Self.compile(pool)
    var loaded = Self.loaded(compiled, running: Self.running)
    var socket = UnitState(name: "i15plan-worker.socket", activeState: .active, subState: SubState(rawValue: "listening"))
    socket.listen = ["127.0.0.1:9002", "[::1]:9001"]
    loaded[socket.name] = socket
    #expect(!PlanDiff.plan(pool: pool, compiled: compiled, loaded: loaded).hasChanges)
    socket.listen = ["127.0.0.1:9003", "[::1]:9001"]
    loaded[socket.name] = socket
    var worker = try #require(PlanDiff.plan(pool: pool, compiled: compiled, loaded: loaded).entries.first { $0.process == "worker" })
    #expect(worker.settings == [PoolPlan.SettingChange(key: "ListenStream", old: ["127.0.0.1:9003", "[::1]:9001"], new: ["[::1]:9001", "127.0.0.1:9002"])])
    // A socket that stopped listening counts as none; no socket where the config has none is no change.
    socket.activeState = ActiveState.inactive
    loaded[socket.name] = socket
    worker = try #require(PlanDiff.plan(pool: pool, compiled: compiled, loaded: loaded).entries.first { $0.process == "worker" })
    #expect(worker.settings.first?.old == [])
    let plain = Self.pool()
    #expect(!PlanDiff.plan(pool: plain, compiled: try Self.compile(plain), loaded: Self.loaded(try Self.compile(plain), running: Self.running)).hasChanges)
  }

  @Test func nothingRunningMeansEverythingIsAdded() throws {
    let pool = Self.pool()
    let plan = PlanDiff.plan(pool: pool, compiled: try Self.compile(pool), loaded: [:])
    #expect(plan.entries.allSatisfy { $0.action == .add })
    #expect(plan.restarts.isEmpty)
  }
}
