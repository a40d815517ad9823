import Foundation
import ProcessConfig
import Testing
import UnitCompiler

/// Every generated unit must pass `systemd-analyze verify` without a warning.
@Suite struct SystemdAnalyzeTests {
  static let analyzer = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].first {
    FileManager.default.isExecutableFile(atPath: $0)
  }

  @Test(.enabled(if: analyzer != nil || ProcessInfo.processInfo.environment["CI"] == "true"))
  func generatedUnitsVerifyCleanly() throws {
    let analyzer = try #require(Self.analyzer, "systemd-analyze is missing; .ci/run installs the systemd package")
    let folder = try TemporaryFolder()
    let pool = Self.realPool(base: folder.path)
    var options = CompileOptions(probeExecutable: "/bin/true", searchPath: "/usr/bin:/bin")
    options.logDirectory = folder.path + "/logs"
    let compiled = try UnitCompiler(options: options).compile(pool)
    let renderer = try UnitFileRenderer(templatesDirectory: TemplatesLocation.directory)
    var paths: [String] = []
    for file in try renderer.renderAll(compiled, configFile: "process_config.json") {
      let path = folder.path + "/" + file.name
      try file.text.write(toFile: path, atomically: true, encoding: .utf8)
      paths.append(path)
    }
    let result = try Command.run(analyzer, ["verify", "--man=no", "--recursive-errors=no"] + paths)
    #expect(result.status == 0, "systemd-analyze failed: \(result.output)")
    // Anything it prints about our units is a warning; lines about systemd's own units are not ours.
    let ours = result.output.split(separator: "\n").filter { $0.contains("demo") }
    #expect(ours.isEmpty, "systemd-analyze warned:\n\(ours.joined(separator: "\n"))")
  }

  /// A pool whose commands exist on every machine, exercising every mapper.
  static func realPool(base: String) -> PoolConfig {
    let processes: [ProcessSpec] = [
      ProcessSpec(
        name: "manager", command: ["sleep", "100"], env: ["A": "50% ${HOME} \"q\" \\ ;", "B": "日本"],
        restartPolicy: .always, startupDelay: 0.5, dependsOn: ["worker"],
        healthCheck: HealthCheck(kind: .http, target: "http://127.0.0.1:9/health", timeout: 3, interval: 2)),
      ProcessSpec(
        name: "worker", command: ["sleep", "%n", "$HOME", "a b", "tab\there", "new\nline"],
        restartPolicy: .onFailure,
        healthCheck: HealthCheck(kind: .command, target: "test -d / && echo '%' \"$X\"", timeout: 2)),
      ProcessSpec(name: "once", command: ["/bin/true"], restartPolicy: .no, stopTimeout: 0.5),
    ]
    return PoolConfig(
      name: "demo", processes: Dictionary(uniqueKeysWithValues: processes.map { ($0.name, $0) }),
      file: "process_config.json", baseDirectory: base)
  }
}

/// The checkout's `templates/` folder.
enum TemplatesLocation {
  static var directory: String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("templates").path
  }
}

/// A temporary folder removed when the value is released.
final class TemporaryFolder {
  let path: String
  init() throws {
    path = NSTemporaryDirectory() + "cgipool-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }
  deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Runs a program and captures its combined output.
enum Command {
  static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }
}
