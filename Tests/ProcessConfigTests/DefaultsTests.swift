import Foundation
import Testing

@testable import ProcessConfig

/// Defaults of omitted fields, and loading from the file system.
@Suite struct DefaultsTests {
  private func parse(_ text: String) throws(ConfigError) -> PoolConfig { try ConfigText.parse(text) }

  @Test func omittedFieldsTakeTheDocumentedDefaults() throws {
    let config = try parse(#"{"processes": {"only": {"command": ["sleep", "1"]}}}"#)
    #expect(config.name == "cgipool")
    #expect(config.orphanPatterns == PoolConfig.defaultOrphanPatterns)
    #expect(config.buildCommand == nil)
    #expect(config.file == "test.json")
    #expect(config.baseDirectory == "/base")
    let process = try #require(config.processes["only"])
    #expect(process.name == "only")
    #expect(process.command == ["sleep", "1"])
    #expect(process.cwd == ".")
    #expect(process.env == [:])
    #expect(process.restartPolicy == .onFailure)
    #expect(process.startupDelay == 0)
    #expect(process.dependsOn == [])
    #expect(process.healthCheck == nil)
    #expect(process.stopTimeout == 10)
    #expect(process.restartDelay == 1)
    #expect(process.settleTime == 1)
    #expect(process.type == .simple)
    #expect(process.pidFile == nil)
  }

  @Test func typePIDFileAndSettleTimeAreRead() throws {
    let config = try parse(
      #"{"processes": {"d": {"command": ["x"], "type": "forking", "pid_file": "d.pid", "settle_time": 2.5}, "q": {"command": ["x"], "settle_time": 0}}}"#)
    let daemon = try #require(config.processes["d"])
    #expect(daemon.type == .forking)
    #expect(daemon.pidFile == "d.pid")
    #expect(daemon.settleTime == 2.5)
    #expect(daemon.settles)
    #expect(config.processes["q"]?.settles == false, "settle_time 0 turns the wait off")
  }

  @Test func omittedHealthCheckFieldsTakeTheDocumentedDefaults() throws {
    let config = try parse(#"{"processes": {"p": {"command": ["x"], "health_check": {"type": "port", "target": "80"}}}}"#)
    let check = try #require(config.processes["p"]?.healthCheck)
    #expect(check.timeout == 30)
    #expect(check.interval == 10)
    #expect(check.failureThreshold == 3)
  }

  @Test func nullMeansAbsentOnlyForHealthCheckAndBuild() throws {
    let config = try parse(#"{"build": null, "processes": {"p": {"command": ["x"], "health_check": null}}}"#)
    #expect(config.buildCommand == nil)
    #expect(config.processes["p"]?.healthCheck == nil)
    #expect(throws: ConfigError.self) { try parse(#"{"processes": {"p": {"command": ["x"], "cwd": null}}}"#) }
  }

  @Test func booleansAreNeverNumbers() {
    let error = #expect(throws: ConfigError.self) {
      try parse(#"{"processes": {"p": {"command": ["x"], "startup_delay": true}}}"#)
    }
    #expect(error?.diagnostics.map(\.message) == ["expected a number, found a boolean"])
  }

  @Test func wholeDecimalsCountAsIntegers() throws {
    let config = try parse(
      #"{"processes": {"p": {"command": ["x"], "health_check": {"type": "port", "target": "80", "failure_threshold": 5.0}}}}"#)
    #expect(config.processes["p"]?.healthCheck?.failureThreshold == 5)
  }

  @Test func resolvesWorkingDirectoriesLexically() {
    #expect(ProcessSpec(name: "p", command: ["x"]).resolvedWorkingDirectory(base: "/srv/app") == "/srv/app")
    #expect(ProcessSpec(name: "p", command: ["x"], cwd: "a/./b/../c/").resolvedWorkingDirectory(base: "/srv/app") == "/srv/app/a/c")
    #expect(ProcessSpec(name: "p", command: ["x"], cwd: "/abs//dir/..").resolvedWorkingDirectory(base: "/srv") == "/abs")
    #expect(ProcessSpec(name: "p", command: ["x"], cwd: "../../../..").resolvedWorkingDirectory(base: "/srv/app") == "/")
  }

  @Test func loadReportsAMissingFileAtTheRoot() {
    let error = #expect(throws: ConfigError.self) {
      try ConfigLoader.load(file: "/nonexistent/cgipool/config.json")
    }
    #expect(
      error?.description == "/nonexistent/cgipool/config.json: (root): cannot open the config file: No such file or directory")
  }

  @Test func loadReportsADirectory() {
    let error = #expect(throws: ConfigError.self) { try ConfigLoader.load(file: "/") }
    #expect(error?.diagnostics.map(\.message) == ["cannot read the config file: Is a directory"])
  }

  @Test func loadUsesTheFilesAbsoluteFolderAsBase() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cgipool-config-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("pool.json")
    try Data(#"{"processes": {"p": {"command": ["x"], "cwd": "work"}}}"#.utf8).write(to: file)

    let named = folder.path + "/sub/../pool.json"
    let config = try ConfigLoader.load(file: named)
    #expect(config.file == named)
    #expect(config.baseDirectory == folder.path)
    #expect(config.processes["p"]?.resolvedWorkingDirectory(base: config.baseDirectory) == folder.path + "/work")
  }

  @Test func relativePathsResolveAgainstTheCurrentDirectory() {
    let current = "/home/op/pool"
    #expect(FilePath.parent(of: FilePath.normalize("ops/process_config.json", relativeTo: current)) == "/home/op/pool/ops")
    #expect(FilePath.parent(of: FilePath.normalize("./x.json", relativeTo: current)) == "/home/op/pool")
    #expect(FilePath.parent(of: FilePath.normalize("/x.json", relativeTo: current)) == "/")
  }
}
