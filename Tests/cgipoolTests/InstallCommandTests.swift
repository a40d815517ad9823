import CgiPoolTestSupport
import Foundation
import Testing

/// `install --dry-run`, `generate units --probe-path` and `generator`, run as real processes
/// on this machine: nothing here needs root or a booted systemd (the booted tests are in Booted/).
@Suite struct InstallCommandTests {
  static let folder = CgiPoolBinary.fixtures.appendingPathComponent("generate")
  static let environment = ["PATH": folder.path + "/bin:/usr/bin:/bin"]

  @Test func dryRunListsEveryFileAndCallAndWritesNothing() throws {
    let run = try CgiPoolBinary.run(
      ["install", "--system", "--dry-run", "--config", "issue-example.json"],
      environment: Self.environment, currentDirectory: Self.folder)
    #expect(run.status == 0, "\(run)")
    let lines = run.stdout.split(separator: "\n").map(String.init)
    #expect(lines.first == "would install pool cgipool as unit files for the system manager:")
    for expected in [
      "/etc/systemd/system/cgipool.target", "/etc/systemd/system/cgipool-pool_manager.service",
      "/var/lib/cgipool/cgipool/config.json", "/var/lib/cgipool/cgipool/manifest",
    ] {
      #expect(lines.contains { $0.hasPrefix("  write \(expected) (") } || !FileManager.default.fileExists(atPath: expected), "\(expected)\n\(run)")
    }
    #expect(lines.contains("  call daemon-reload (Reload)"))
    #expect(lines.last == "  call enable cgipool.target (EnableUnitFiles)")
    #expect(lines.contains { $0.hasPrefix("  link /usr/local/bin/cgipool -> /usr/local/libexec/cgipool/cgipool") }
      || FileManager.default.fileExists(atPath: "/usr/local/bin/cgipool"))
  }

  @Test func generateUnitsTakesTheProbePath() throws {
    let run = try CgiPoolBinary.run(
      ["generate", "units", "--config", "issue-example.json", "--stdout", "--probe-path", "/opt/x/cgipool"],
      environment: Self.environment, currentDirectory: Self.folder)
    #expect(run.status == 0, "\(run)")
    #expect(run.stdout.contains("ExecStartPost=@\"/opt/x/cgipool\" \"/opt/x/cgipool\" \"probe\""))
    // Without it, probes run the binary that generated them (so the output verifies here).
    let own = try CgiPoolBinary.run(
      ["generate", "units", "--config", "issue-example.json", "--stdout"],
      environment: Self.environment, currentDirectory: Self.folder)
    let binary = realpath(CgiPoolBinary.executable.path, nil).map { pointer in
      defer { free(pointer) }
      return String(cString: pointer)
    } ?? ""
    #expect(own.stdout.contains("ExecStartPost=@\"\(binary)\""), "\(own)")
  }

  /// A folder of generator configs: one valid pool and one invalid config.
  final class ConfigFolder {
    let path = NSTemporaryDirectory() + "cgipool-gen-" + UUID().uuidString
    init(valid: Bool = true, invalid: Bool = true) throws {
      try FileManager.default.createDirectory(atPath: path + "/out", withIntermediateDirectories: true)
      if valid {
        try Data(#"{"name": "gen", "processes": {"web": {"command": ["/bin/sleep", "1000"], "cwd": "/"}}}"#.utf8)
          .write(to: URL(fileURLWithPath: path + "/gen.json"))
      }
      if invalid {
        try Data(try Data(contentsOf: CgiPoolBinary.fixtures.appendingPathComponent("invalid.json")))
          .write(to: URL(fileURLWithPath: path + "/bad pool.json"))
      }
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
  }

  @Test func generatorCompilesValidConfigsAndTurnsInvalidOnesIntoAFailingUnit() throws {
    let folder = try ConfigFolder()
    let run = try CgiPoolBinary.run(["generator", "--config-dir", folder.path, folder.path + "/out", "/x", "/y"])
    #expect(run.status == 0, "\(run)")
    let out = folder.path + "/out"
    let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
    #expect(files == ["cgipool-config-bad\\x20pool.service", "gen-web.service", "gen.slice", "gen.target", "multi-user.target.wants"])
    let wants = try FileManager.default.contentsOfDirectory(atPath: out + "/multi-user.target.wants").sorted()
    #expect(wants == ["cgipool-config-bad\\x20pool.service", "gen.target"])
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: out + "/multi-user.target.wants/gen.target") == "../gen.target")
    // The failing unit carries exactly what `cgipool check` says about the config.
    let check = try CgiPoolBinary.run(["check", "--config", folder.path + "/bad pool.json"])
    #expect(check.status == 65)
    let unit = try String(contentsOfFile: out + "/cgipool-config-bad\\x20pool.service", encoding: .utf8)
    #expect(unit.contains("Type=oneshot"))
    #expect(check.stderr.contains("processes.yarp_proxy.restart_polcy: unknown key"))
    #expect(unit.contains("processes.yarp_proxy.restart_polcy: unknown key"), "\(unit)")
    #expect(unit.contains("12 errors in \(folder.path)/bad pool.json"), "\(unit)")
    // stderr reports it too (seen at daemon-reload).
    #expect(run.stderr.contains("12 errors in \(folder.path)/bad pool.json"), "\(run)")
    let target = try String(contentsOfFile: out + "/gen.target", encoding: .utf8)
    #expect(target.contains("WantedBy=multi-user.target"))
  }

  @Test func generatorDryRunPrintsAndWritesNothing() throws {
    let folder = try ConfigFolder(invalid: false)
    let run = try CgiPoolBinary.run(["generator", "--dry-run", "--config-dir", folder.path])
    #expect(run.status == 0, "\(run)")
    #expect(run.stdout.contains("### /run/systemd/generator/gen-web.service\n"))
    #expect(run.stdout.contains("### /run/systemd/generator/multi-user.target.wants/gen.target -> ../gen.target"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/out").isEmpty)
  }

  @Test func generatorNeedsAnOutputFolder() throws {
    let run = try CgiPoolBinary.run(["generator"])
    #expect(run.status == 64, "\(run)")
  }
}
