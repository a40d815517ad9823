import ProcessConfig
import Testing
import UnitCompiler

/// One compile per command: resolving (manager-independent, finds every problem) and binding to
/// a manager's facts give exactly the units of a whole compile with those facts.
@Suite struct ResolveThenBindTests {
  @Test func bindingAResolvedPoolEqualsCompilingWithTheManagersFacts() throws {
    let pool = TestPools.demo()
    let resolved = try UnitCompiler(options: TestPools.options).resolve(pool)
    for (logs, journal, version, bus) in [
      (String?.none, false, Int?.none, String?.none), ("/var/log/x", false, 252, "unix:path=/run/x/bus"), (nil, true, 257, nil),
    ] {
      var options = TestPools.options
      options.logDirectory = logs
      options.journalOutput = journal
      options.managerVersion = version
      options.busAddress = bus
      let compiler = UnitCompiler(options: options)
      #expect(try compiler.compile(resolved) == (try compiler.compile(pool)))
    }
  }

  @Test func resolvingReportsEveryProblemBeforeAnyManagerIsKnown() {
    var pool = TestPools.demo()
    pool.processes["proxy"]!.command = ["relative/missing"]
    pool.processes["proxy"]!.cwd = "/no/such/folder"
    var options = TestPools.options
    options.fileSystem = NoFiles()
    #expect(throws: ConfigError.self) { try UnitCompiler(options: options).resolve(pool) }
  }

  private struct NoFiles: FileSystemInspecting {
    func isExecutableFile(_ path: String) -> Bool { false }
    func isDirectory(_ path: String) -> Bool { false }
  }
}
