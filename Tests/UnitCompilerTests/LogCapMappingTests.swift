import ProcessConfig
import Testing
import UnitCompiler

/// `log_max_bytes`: with output in files the pool gets `<pool>.logcap.service`, capping every file
/// the pool writes, hardened `strict`, wanted by the target, in both back ends; none under the journal.
@Suite struct LogCapMappingTests {
  static func compiled(logDirectory: String?, cap: Int64 = PoolConfig.defaultLogMaxBytes) throws -> CompiledPool {
    var options = TestPools.options
    options.logDirectory = logDirectory
    var pool = TestPools.demo()
    pool.logMaxBytes = cap
    return try UnitCompiler(options: options).compile(pool)
  }

  @Test func withFilesEveryFileThePoolWritesIsCapped() throws {
    let compiled = try Self.compiled(logDirectory: "/var/log/cgipool/demo", cap: 65536)
    let unit = try #require(compiled.unit(named: "demo.logcap.service"))
    #expect(compiled.units.last == unit, "after the health unit, in a stable place")
    guard case .exec(let command)? = unit.values(of: "ExecStart").first else {
      Issue.record("no ExecStart")
      return
    }
    let files = ["pool_manager", "proxy", "warmup", "worker_a", "worker_b", "demo.health", "demo.logcap"]
      .map { "/var/log/cgipool/demo/\($0).log" }
    #expect(
      command.argv == ["/opt/cgipool/bin/cgipool", "logcap", "--max-bytes", "65536", "--interval", "1"]
        + files.flatMap { ["--file", $0] })
    #expect(compiled.logNames == ["pool_manager", "proxy", "warmup", "worker_a", "worker_b", "demo.health", "demo.logcap"])
    #expect(unit.values(of: "StandardOutput") == [.appendFile("/var/log/cgipool/demo/demo.logcap.log")])
    #expect(unit.values(of: "Restart") == [.string("always")])
    #expect(unit.values(of: "Slice") == [.string("demo.slice")])
    // Hardened whatever the processes' level: only the log folder is writable.
    #expect(unit.values(of: "ProtectSystem") == [.string("strict")])
    #expect(unit.values(of: "ReadWritePaths") == [.words(["-/var/log/cgipool/demo"])])
    #expect(unit.values(of: "PrivateUsers") == [.bool(true)])
    let target = try #require(compiled.unit(named: "demo.target"))
    guard case .unitNames(let wanted)? = target.values(of: "Wants").first else {
      Issue.record("no Wants")
      return
    }
    #expect(wanted.suffix(2) == ["demo.health.service", "demo.logcap.service"])
    // The transient back end carries it too, its output file as a bare path.
    let transient = try #require(TransientUnitBuilder.build(compiled).first { $0.name == "demo.logcap.service" })
    #expect(transient.properties.contains { $0.name == "StandardOutputFileToAppend" })
    #expect(transient.properties.contains { $0.name == "ProtectSystem" })
  }

  @Test func underTheJournalThereIsNoHelper() throws {
    let compiled = try Self.compiled(logDirectory: nil)
    #expect(compiled.unit(named: "demo.logcap.service") == nil)
    #expect(compiled.logNames.isEmpty)
  }

  @Test func aPoolWithoutLivenessCapsItsProcessesAndItself() throws {
    var options = TestPools.options
    options.logDirectory = "/logs/"
    let pool = PoolConfig(
      name: "p", processes: ["a": ProcessSpec(name: "a", command: ["/usr/bin/true"])], file: "p.json", baseDirectory: "/srv")
    let compiled = try UnitCompiler(options: options).compile(pool)
    #expect(compiled.unit(named: "p.health.service") == nil)
    #expect(compiled.logNames == ["a", "p.logcap"])
    #expect(compiled.unit(named: "p.logcap.service") != nil)
  }
}
