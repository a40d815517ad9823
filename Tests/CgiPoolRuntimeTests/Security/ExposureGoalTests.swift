import CgiPoolRuntime
import Foundation
import ProcessConfig
import Testing
import UnitCompiler

/// Whether `systemd-analyze` is installed (CI installs it, so there a missing one fails).
private let analyzerPresent = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].contains {
  FileManager.default.isExecutableFile(atPath: $0)
}

/// The exposure goals, rated by `systemd-analyze security --offline=true` on the generated unit
/// files of the demo pool: every process ≤ 2.0 under `strict` and ≤ 4.5 under `default`; helper
/// units (the pool's health unit) ≤ 4.5.
@Suite(.enabled(if: analyzerPresent || ProcessInfo.processInfo.environment["CI"] == "true"))
struct ExposureGoalTests {
  static let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  /// The demo config with its top-level `sandbox` set to `level` (nil: the key left out).
  static func demo(sandbox level: String?) throws -> PoolConfig {
    let path = checkout.appendingPathComponent("ops/process_config.json").path
    var object = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    if let level { object["sandbox"] = level }
    let data = try JSONSerialization.data(withJSONObject: object)
    return try ConfigLoader.parse(Array(data), file: path, baseDirectory: checkout.appendingPathComponent("ops").path)
  }

  static func rate(_ pool: PoolConfig) throws -> [UnitExposure] {
    var options = CompileOptions(probeExecutable: "/usr/local/bin/cgipool", searchPath: "/usr/bin:/bin")
    options.healthStateDirectory = "/run/cgipool/health"
    let compiled = try UnitCompiler(options: options).compile(pool)
    let renderer = try UnitFileRenderer(templatesDirectory: checkout.appendingPathComponent("templates").path)
    return try ExposureAudit().rate(renderer.renderAll(compiled, configFile: "process_config.json"))
  }

  @Test(arguments: [("strict", 2.0), ("default", 4.5), (nil, 4.5)] as [(String?, Double)])
  func demoServicesMeetTheGoal(level: String?, goal: Double) throws {
    let pool = try Self.demo(sandbox: level)
    let figures = try Self.rate(pool)
    let names = UnitNames(pool: pool.name)
    let processUnits = Set(pool.processNames.map(names.service))
    #expect(figures.filter { processUnits.contains($0.unit) }.count == pool.processes.count)
    #expect(figures.contains { $0.unit == names.health }, "the demo's health unit is rated too")
    for figure in figures {
      let limit = processUnits.contains(figure.unit) ? goal : 4.5
      #expect(figure.level <= limit, "\(figure.unit) (sandbox \(level ?? "unset")): \(figure.level) > \(limit)")
    }
  }

  @Test func noneLeavesTheServiceExposedAndSaysSo() throws {
    let figures = try Self.rate(try Self.demo(sandbox: "none"))
    // systemd's rating of an unhardened root service: the number the hardening brings down.
    #expect(figures.allSatisfy { $0.level >= 9 }, "\(figures)")
  }

  @Test func parsesTheAnalyzersSummaryLines() {
    let output = """
      ✗ UMask=   Files created by service are world-readable by default   0.1

      → Overall exposure level for cgipool-a.service: 2.6 OK 🙂
      → Overall exposure level for x y.service: 9.6 UNSAFE 😨
      """
    let figures = ExposureAudit.parse(output)
    #expect(figures["cgipool-a.service"] == UnitExposure(unit: "cgipool-a.service", level: 2.6, rating: "OK"))
    #expect(figures["x y.service"]?.level == 9.6)
    #expect(figures.count == 2)
  }
}
