import Foundation
import Testing

/// `cgipool generate units`, run as a real process; outputs compared with golden files.
///
/// Fixture commands resolve through `Fixtures/generate/bin` (first on PATH), and the
/// checkout's location is replaced by `$FIXTURES` so the goldens hold on every machine.
@Suite struct GenerateUnitsTests {
  static let folder = CgiPoolBinary.fixtures.appendingPathComponent("generate")
  static let environment = ["PATH": folder.path + "/bin:/usr/bin:/bin"]
  static let common = ["--probe-path", "/usr/local/bin/cgipool"]

  static func normalize(_ text: String) -> String {
    text.replacingOccurrences(of: folder.path, with: "$FIXTURES")
  }

  @Test(arguments: ["issue-example", "every-field", "replicas"])
  func unitFilesMatchGoldens(fixture: String) throws {
    let run = try CgiPoolBinary.run(
      ["generate", "units", "--config", fixture + ".json", "--stdout"] + Self.common,
      environment: Self.environment, currentDirectory: Self.folder)
    #expect(run.status == 0, "\(run)")
    Snapshot.expect(Self.normalize(run.stdout), matches: "generate-\(fixture).units")
  }

  @Test(arguments: ["issue-example", "every-field", "replicas"])
  func transientPropertiesMatchGoldens(fixture: String) throws {
    let run = try CgiPoolBinary.run(
      ["generate", "units", "--config", fixture + ".json", "--transient"] + Self.common,
      environment: Self.environment, currentDirectory: Self.folder)
    #expect(run.status == 0, "\(run)")
    Snapshot.expect(Self.normalize(run.stdout), matches: "generate-\(fixture).transient")
  }

  @Test func writesOneFilePerUnitAndRemovesStaleOnes() throws {
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("cgipool-units-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: output) }
    try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
    try Data("stale".utf8).write(to: output.appendingPathComponent("cgipool-gone.service"))
    try Data("keep".utf8).write(to: output.appendingPathComponent("other.service"))
    let run = try CgiPoolBinary.run(
      ["generate", "units", "--config", "issue-example.json", "--output", output.path] + Self.common,
      environment: Self.environment, currentDirectory: Self.folder)
    #expect(run.status == 0, "\(run)")
    let files = try FileManager.default.contentsOfDirectory(atPath: output.path).sorted()
    #expect(
      files == [
        "cgipool-pool_manager.service", "cgipool-yarp_proxy.service", "cgipool.health.service", "cgipool.slice",
        "cgipool.target", "other.service",
      ])
  }

  @Test func invalidConfigWritesNothingAndExits65() throws {
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("cgipool-units-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: output) }
    let run = try CgiPoolBinary.run(
      ["generate", "units", "--config", "../invalid.json", "--output", output.path] + Self.common,
      environment: Self.environment, currentDirectory: Self.folder)
    #expect(run.status == 65, "\(run)")
    #expect(!FileManager.default.fileExists(atPath: output.path))
  }

  @Test func unresolvableCommandIsAConfigError() throws {
    let run = try CgiPoolBinary.run(
      ["generate", "units", "--config", "issue-example.json", "--stdout"] + Self.common,
      environment: ["PATH": "/nonexistent"], currentDirectory: Self.folder)
    #expect(run.status == 65, "\(run)")
    #expect(
      Self.normalize(run.stderr).contains(
        "issue-example.json: processes.pool_manager.command[0]: cannot find executable \"python3\" in $FIXTURES or PATH (/nonexistent)"),
      "\(run)")
  }
}
