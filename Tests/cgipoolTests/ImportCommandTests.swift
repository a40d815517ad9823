import Foundation
import Testing

/// `cgipool import`, run as a real process on the importer's fixture files.
@Suite struct ImportCommandTests {
  static let importFixtures = CgiPoolBinary.packageRoot.appendingPathComponent("Tests/ConfigImportTests/Fixtures")

  static func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("i15-import-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  @Test func lossyImportWritesNothingAndExits1() throws {
    let folder = try Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("process_config.json").path
    let source = Self.importFixtures.appendingPathComponent("supervisord.conf").path
    let run = try CgiPoolBinary.run(["import", source, "-o", output], environment: ["WEB_PORT": "8000"])
    #expect(run.status == 1, "\(run)")
    #expect(run.stdout == "")
    #expect(run.stderr.contains("lost: \(source):54: [program:worker] user: "), "\(run)")
    #expect(run.stderr.contains("error: nothing written"), "\(run)")
    #expect(!FileManager.default.fileExists(atPath: output))
  }

  @Test(arguments: ["supervisord.conf", "process-compose.yaml", "Procfile"])
  func allowLossyWritesAConfigThatPassesCheck(name: String) throws {
    let folder = try Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("process_config.json").path
    let source = Self.importFixtures.appendingPathComponent(name).path
    let run = try CgiPoolBinary.run(["import", source, "-o", output, "--allow-lossy"], environment: ["WEB_PORT": "8000"])
    #expect(run.status == 0, "\(run)")
    #expect(run.stderr.contains("wrote \(output)"), "\(run)")
    let check = try CgiPoolBinary.run(["check", "--config", output])
    #expect(check.status == 0, "\(check)")
    #expect(check.stdout.contains("processes: 4"), "\(check)")
  }

  @Test func losslessImportPrintsTheConfigAndExits0() throws {
    let run = try CgiPoolBinary.run(
      ["import", Self.importFixtures.appendingPathComponent("Procfile").path, "--name", "i15-shop", "--port", "7000"])
    #expect(run.status == 0, "\(run)")
    #expect(run.stdout.hasPrefix("{\n  \"name\": \"i15-shop\",\n"), "\(run)")
    #expect(run.stdout.contains("\"PORT\": \"7100\""), "\(run)")
    #expect(run.stderr.contains("0 settings lost"), "\(run)")
  }

  @Test func unreadableInputExits65WithItsLine() throws {
    let folder = try Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let source = folder.appendingPathComponent("bad.conf")
    try "[program:a]\ncommand=\"unclosed\n".write(to: source, atomically: true, encoding: .utf8)
    let run = try CgiPoolBinary.run(["import", source.path])
    #expect(run.status == 65, "\(run)")
    #expect(run.stderr.contains("bad.conf:2: [program:a] command: No closing quotation"), "\(run)")
    let unknown = folder.appendingPathComponent("notes.txt")
    try "hello world\n".write(to: unknown, atomically: true, encoding: .utf8)
    let guess = try CgiPoolBinary.run(["import", unknown.path])
    #expect(guess.status == 65, "\(guess)")
    #expect(guess.stderr.contains("--format"), "\(guess)")
  }
}
