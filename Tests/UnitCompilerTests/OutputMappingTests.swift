import ProcessConfig
import Testing
import UnitCompiler

/// Where output goes: files with a log directory, the journal (systemd's default) without one.
@Suite struct OutputMappingTests {
  @Test func logDirectoryAppendsServiceAndProbeOutputToTheProcessFile() throws {
    var options = TestPools.options
    options.logDirectory = "/var/log/cgipool/demo"
    let compiled = try UnitCompiler(options: options).compile(TestPools.demo())
    let unit = try #require(compiled.unit(named: "demo-pool_manager.service"))
    #expect(unit.values(of: "StandardOutput") == [.appendFile("/var/log/cgipool/demo/pool_manager.log")])
    #expect(unit.values(of: "StandardError") == [.appendFile("/var/log/cgipool/demo/pool_manager.log")])
    // The health unit's own output has a file of its own (no process can be called `demo.health`);
    // each process's liveness lines go to that process's file, named in its check.
    let health = try #require(compiled.unit(named: "demo.health.service"))
    #expect(health.values(of: "StandardOutput") == [.appendFile("/var/log/cgipool/demo/demo.health.log")])
    guard case .exec(let command)? = health.values(of: "ExecStart").first, let argument = command.argv.last else {
      Issue.record("no ExecStart")
      return
    }
    #expect(try LivenessCheck.parse(argument).get().logFile == "/var/log/cgipool/demo/pool_manager.log")
  }

  @Test func withoutLogDirectoryNoUnitSetsOutput() throws {
    let compiled = try UnitCompiler(options: TestPools.options).compile(TestPools.demo())
    #expect(compiled.units.count > 5)
    for unit in compiled.units {
      #expect(unit.values(of: "StandardOutput").isEmpty, "\(unit.name)")
      #expect(unit.values(of: "StandardError").isEmpty, "\(unit.name)")
    }
  }

  @Test func journalOutputIsSaidExplicitlyOnServiceAndProbe() throws {
    var options = TestPools.options
    options.journalOutput = true
    let compiled = try UnitCompiler(options: options).compile(TestPools.demo())
    for name in ["demo-pool_manager.service", "demo.health.service", "demo-warmup.service"] {
      let unit = try #require(compiled.unit(named: name))
      #expect(unit.values(of: "StandardOutput") == [.string("journal")], "\(name)")
      #expect(unit.values(of: "StandardError") == [.string("journal")], "\(name)")
    }
    // A log directory wins: files are what was asked for.
    options.logDirectory = "/logs"
    let files = try UnitCompiler(options: options).compile(TestPools.demo())
    #expect(files.unit(named: "demo-warmup.service")?.values(of: "StandardOutput") == [.appendFile("/logs/warmup.log")])
  }
}
