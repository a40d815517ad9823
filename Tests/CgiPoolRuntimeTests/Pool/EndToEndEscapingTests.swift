import CgiPoolRuntime
import CgiPoolTestKit
import CgiPoolTestSupport
import Foundation
import ProcessConfig
import SystemdBus
import Testing
import UnitCompiler

/// Exact escaping end to end: generated argv and environment values reach the running
/// process byte for byte, through transient units over D-Bus and through unit files.
@Suite(.enabled(if: PrivateManagerFixture.enabled), .serialized) struct EndToEndEscapingTests {
  static let units = 20
  static let valuesPerUnit = 50  // argv words and environment values each: 20 × (50 + 50) = 2,000 per back end

  /// A pool whose processes hold generated argv words and environment values.
  static func randomPool(seed: UInt64, base: String) -> PoolConfig {
    var generator = SeededGenerator(seed: seed)
    var processes: [String: ProcessSpec] = [:]
    for index in 0..<units {
      let words = (0..<valuesPerUnit).map { _ in NastyStrings.make(using: &generator) }
      var env: [String: String] = [:]
      for slot in 0..<valuesPerUnit { env["V\(slot)"] = NastyStrings.make(using: &generator) }
      // Python ignores the words after its -c script, so any value keeps it running.
      let name = "p\(index)"
      processes[name] = ProcessSpec(
        name: name, command: ["python3", "-c", "import time; time.sleep(600)"] + words, env: env)
    }
    return PoolConfig(name: "esc", processes: processes, file: "generated", baseDirectory: base)
  }

  /// Reads `/proc/PID/<file>` split at NULs.
  static func nulSeparated(_ pid: Int32, _ file: String) throws -> [String] {
    let data = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/\(file)"))
    var fields = data.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    if fields.last == "" { fields.removeLast() }
    return fields
  }

  /// Checks every running process against the config, value by value; returns the values compared.
  static func compareRunningProcesses(_ pool: PoolConfig, _ manager: any SystemdManaging) throws -> Int {
    var compared = 0
    for name in pool.processNames {
      let spec = pool.processes[name]!
      let state = try #require(try manager.unitState("esc-\(name).service"), "\(name) is not loaded")
      try #require(state.isActive && state.mainPID > 0, "\(name) is not running: \(state)")
      let argv = try nulSeparated(state.mainPID, "cmdline")
      #expect(argv == spec.command, "argv of \(name) differs")
      let environment = Set(try nulSeparated(state.mainPID, "environ"))
      for (key, value) in spec.env {
        #expect(environment.contains(key + "=" + value), "\(name): \(key)=\(String(reflecting: value)) did not arrive")
      }
      compared += spec.command.count - 3 + spec.env.count
    }
    return compared
  }

  @Test func transientUnitsOverDBusCarryEveryByte() throws {
    try PrivateManagerFixture.withPrivateManager { endpoint, manager in
      let pool = Self.randomPool(seed: 2026, base: "/tmp")
      let compiled = try UnitCompiler(options: CompileOptions(probeExecutable: "/bin/true", searchPath: "/usr/local/bin:/usr/bin:/bin")).compile(pool)
      let runtime = PoolRuntime(pool: pool, compiled: compiled, manager: BusSystemdManager(manager: manager, description: "test"), logDirectory: nil)
      defer { _ = try? runtime.stop() }
      let report = try runtime.start()
      #expect(report.succeeded, "\(report)")
      let compared = try Self.compareRunningProcesses(pool, runtime.manager)
      #expect(compared == Self.units * Self.valuesPerUnit * 2)
    }
  }

  @Test func unitFilesCarryEveryByte() throws {
    try PrivateManagerFixture.withPrivateManager { endpoint, manager in
      let pool = Self.randomPool(seed: 1127, base: "/tmp")
      let compiled = try UnitCompiler(options: CompileOptions(probeExecutable: "/bin/true", searchPath: "/usr/local/bin:/usr/bin:/bin")).compile(pool)
      let renderer = try UnitFileRenderer(templatesDirectory: RuntimeHarness.templates)
      // A user manager reads unit files from $XDG_RUNTIME_DIR/systemd/user.
      let folder = try #require(endpoint.runtimeDirectory) + "/systemd/user"
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      for file in try renderer.renderAll(compiled, configFile: "generated") {
        try file.text.write(toFile: folder + "/" + file.name, atomically: true, encoding: .utf8)
      }
      try manager.reload()
      let bus = BusSystemdManager(manager: manager, description: "test")
      try bus.watchJobs()
      var jobs = Set<String>()
      for name in pool.processNames { jobs.insert(try bus.startUnit("esc-\(name).service")) }
      let done = try bus.waitForJobs(jobs, timeout: 60) { _ in }
      #expect(done.count == jobs.count && done.allSatisfy { $0.result == .done }, "\(done)")
      let runtime = PoolRuntime(pool: pool, compiled: compiled, manager: bus, logDirectory: nil)
      defer { _ = try? runtime.stop() }
      let compared = try Self.compareRunningProcesses(pool, bus)
      #expect(compared == Self.units * Self.valuesPerUnit * 2)
    }
  }
}
