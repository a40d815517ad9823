import Foundation
import ProcessConfig
import Testing
import UnitCompiler

/// The generated units start in one transaction with the manager's own targets without an
/// ordering cycle, for the system manager and for a user manager (where `basic.target`
/// is ordered after `timers.target`, so a liveness timer ordered after its service would
/// close a loop: service → basic.target → timers.target → timer → service).
@Suite struct OrderingCycleTests {
  @Test(
    .enabled(if: SystemdAnalyzeTests.analyzer != nil || ProcessInfo.processInfo.environment["CI"] == "true"),
    arguments: ["--system", "--user"])
  func noOrderingCycleWithTheManagersTargets(scope: String) throws {
    let analyzer = try #require(SystemdAnalyzeTests.analyzer, "systemd-analyze is missing")
    let folder = try TemporaryFolder()
    var options = CompileOptions(probeExecutable: "/bin/true", searchPath: "/usr/bin:/bin")
    options.logDirectory = folder.path + "/logs"
    let compiled = try UnitCompiler(options: options).compile(SystemdAnalyzeTests.realPool(base: folder.path))
    let renderer = try UnitFileRenderer(templatesDirectory: TemplatesLocation.directory)
    var paths: [String] = []
    for file in try renderer.renderAll(compiled, configFile: "process_config.json") {
      try file.text.write(toFile: folder.path + "/" + file.name, atomically: true, encoding: .utf8)
      paths.append(folder.path + "/" + file.name)
    }
    #expect(paths.contains { $0.hasSuffix(".health.service") }, "the pool must have a health unit")
    try FileManager.default.createDirectory(atPath: folder.path + "/run", withIntermediateDirectories: true)
    // verify starts every given unit in a dry-run transaction; a user manager needs a runtime folder.
    let result = try Command.run(
      "/usr/bin/env", ["XDG_RUNTIME_DIR=\(folder.path)/run", analyzer, scope, "verify", "--man=no"] + paths)
    #expect(!result.output.contains("ordering cycle"), "\(result.output)")
  }
}
