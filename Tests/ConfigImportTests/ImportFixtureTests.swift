import CgiPoolTestKit
import Foundation
import ProcessConfig
import Testing

@testable import ConfigImport

/// The realistic peer files under `Fixtures/`: the config and the findings match their goldens,
/// the config validates, and every key the file sets is either mapped or reported.
@Suite struct ImportFixtureTests {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
  /// The environment the goldens were recorded with (supervisord's `%(ENV_X)s`).
  static let environment = ["WEB_PORT": "8000", "PATH": "/usr/bin:/bin"]

  static func importFixture(_ name: String) throws -> (ImportResult, String) {
    let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
    let context = ImportContext(file: name, directory: "/srv/shop", environment: environment, hostName: "host1")
    return (try ConfigImporter.importConfig(text, format: nil, context: context), text)
  }

  /// Compares `text` with the golden `name` (re-recorded with `CGIPOOL_RECORD=1`).
  static func expectGolden(_ text: String, _ name: String) {
    Golden.expect(text, matchesFileAt: folder.appendingPathComponent(name))
  }

  @Test(arguments: ["supervisord.conf", "process-compose.yaml", "Procfile"])
  func fixtureMatchesGoldenAndValidates(name: String) throws {
    let (result, _) = try Self.importFixture(name)
    let json = ConfigWriter.render(result)
    Self.expectGolden(json, name + ".expected.json")
    Self.expectGolden(result.findings.map { $0.description + "\n" }.joined(), name + ".findings")
    let config = try ConfigLoader.parse(Array(json.utf8), file: "process_config.json", baseDirectory: "/srv/shop")
    // One process per imported program; a replicated one runs as its instances.
    #expect(Set(config.processes.values.map { $0.replicaOf ?? $0.name }).count == result.processes.count)
    for process in result.processes where process.replicas != nil {
      #expect(config.instances(of: process.name).count == process.replicas)
    }
  }

  @Test func formatIsInferredFromNameAndContent() throws {
    #expect(ImportFormat.infer(fileName: "conf.d/web.conf", contents: "") == .supervisord)
    #expect(ImportFormat.infer(fileName: "process-compose.yml", contents: "") == .processCompose)
    #expect(ImportFormat.infer(fileName: "Procfile.dev", contents: "") == .procfile)
    #expect(ImportFormat.infer(fileName: "x", contents: "; c\n[program:a]\ncommand=a\n") == .supervisord)
    #expect(ImportFormat.infer(fileName: "x", contents: "version: \"0.5\"\nprocesses:\n  a:\n    command: a\n") == .processCompose)
    #expect(ImportFormat.infer(fileName: "x", contents: "# c\nweb: ./web\nworker: ./w -q 1\n") == .procfile)
    #expect(ImportFormat.infer(fileName: "x", contents: "hello world\n") == nil)
  }

  /// Every key a `[program:x]` section sets is either carried into the config or named in a finding.
  @Test func everySupervisordKeyIsMappedOrReported() throws {
    let (result, text) = try Self.importFixture("supervisord.conf")
    let ini = try INIFile(parsing: text)
    // Keys whose value the config holds (or that only steer the import itself).
    let mapped: Set<String> = [
      "command", "directory", "environment", "autorestart", "stopwaitsecs", "stopsignal", "numprocs", "numprocs_start",
      "process_name",
    ]
    let reportedPaths = Set(result.findings.map(\.path))
    var checked = 0
    for section in ini.sections {
      let sectionReported = reportedPaths.contains("[\(section.name)]")
      for entry in section.entries {
        checked += 1
        let path = "[\(section.name)] \(entry.key)"
        let isMapped = section.name.hasPrefix("program:") && mapped.contains(entry.key)
        let isGroupList = section.name.hasPrefix("group:") && entry.key == "programs"
        let isGlobalEnvironment = section.name == "supervisord" && entry.key == "environment"
        // Values cgipool behaves like already: nothing to carry over, nothing lost.
        let exact: Set<String> = [
          "stopsignal=TERM", "exitcodes=0", "autostart=true", "stopasgroup=true", "killasgroup=true",
          "redirect_stderr=true", "startsecs=0",
        ]
        let isExactDefault = exact.contains("\(entry.key)=\(entry.value)")
        #expect(
          isMapped || isGroupList || isGlobalEnvironment || isExactDefault || sectionReported
            || reportedPaths.contains(path),
          "\(path) is neither mapped nor reported")
      }
    }
    #expect(checked > 40)
    // Every documented [program:x] key appears in the fixture, so the check above covers them all.
    let programKeys = Set(ini.sections.filter { $0.name.hasPrefix("program:") }.flatMap { $0.entries.map(\.key) })
    #expect(SupervisordImporter.programKeys.subtracting(programKeys).isEmpty, "keys missing from the fixture: \(SupervisordImporter.programKeys.subtracting(programKeys).sorted())")
  }

  /// Every key of every process in the process-compose fixture is mapped or reported.
  @Test func everyProcessComposeKeyIsMappedOrReported() throws {
    let (result, text) = try Self.importFixture("process-compose.yaml")
    let reported = result.findings.map(\.path)
    let mapped: Set<String> = [
      "command", "working_dir", "environment", "depends_on", "readiness_probe", "liveness_probe", "availability",
      "shutdown", "replicas", "is_daemon", "disabled",
    ]
    // The keys at process level, read with a plain line scan so the test does not trust the importer's parser.
    var current: String?
    var keys: [(String, String)] = []
    var inProcesses = false
    for line in text.split(separator: "\n") {
      if line.hasPrefix("processes:") { inProcesses = true; continue }
      guard inProcesses else { continue }
      if line.hasPrefix("  "), !line.hasPrefix("    "), line.hasSuffix(":") {
        current = String(line.dropFirst(2).dropLast())
      } else if line.hasPrefix("    "), !line.hasPrefix("     "), let colon = line.firstIndex(of: ":"), let current {
        keys.append((current, String(line.dropFirst(4)[..<colon])))
      }
    }
    #expect(keys.count > 20)
    for (process, key) in keys {
      let path = "processes.\(process).\(key)"
      #expect(mapped.contains(key) || reported.contains(where: { $0.hasPrefix(path) }), "\(path) is neither mapped nor reported")
    }
  }

  @Test func lossyImportsListTheirLosses() throws {
    let (supervisord, _) = try Self.importFixture("supervisord.conf")
    #expect(supervisord.lost.contains { $0.path == "[program:worker] user" && $0.line == 54 })
    // numprocs from 1 became replicas: a note, not a loss.
    #expect(!supervisord.lost.contains { $0.path == "[program:pool] numprocs" })
    #expect(supervisord.findings.contains { $0.path == "[program:pool] numprocs" })
    let (procfile, _) = try Self.importFixture("Procfile")
    #expect(procfile.lost.isEmpty)
  }
}
