import Foundation
import Testing

/// `manager start|stop|status` name their pool like every other command: `--config` (or
/// `$CGI_POOL_CONFIG`) gives the config whose `name` is used, and an explicit `--pool` wins.
@Suite struct ManagerPoolOptionTests {
  private func folderWithConfig(named name: String) throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("i14-pool-option-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let config = #"{"name": "\#(name)", "processes": {"web": {"command": ["/bin/sleep", "100"]}}}"#
    try config.write(toFile: folder + "/pool.json", atomically: true, encoding: .utf8)
    return folder
  }

  @Test func thePoolNameComesFromTheConfigAndPoolWins() throws {
    let folder = try folderWithConfig(named: "i14-from-config")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let byOption = try CgiPoolBinary.run(["manager", "status", "--config", folder + "/pool.json"])
    #expect(byOption.status == 0, "\(byOption)")
    #expect(byOption.stdout.contains("/i14-from-config)"), "\(byOption)")

    let byEnvironment = try CgiPoolBinary.run(["manager", "status"], environment: ["CGI_POOL_CONFIG": folder + "/pool.json"])
    #expect(byEnvironment.stdout.contains("/i14-from-config)"), "\(byEnvironment)")

    let explicit = try CgiPoolBinary.run(["manager", "status", "--config", folder + "/pool.json", "--pool", "i14-explicit"])
    #expect(explicit.stdout.contains("/i14-explicit)") && !explicit.stdout.contains("i14-from-config"), "\(explicit)")
  }

  @Test func anInvalidPoolOrConfigIsRefusedBeforeAnythingRuns() throws {
    // The same rule as the config's `name`: "--" would name a nested slice.
    let badName = try CgiPoolBinary.run(["manager", "stop", "--pool", "a--b"])
    #expect(badName.status == 64, "\(badName)")
    #expect(badName.stderr.contains(#"--pool: invalid pool name "a--b": use 1 to 64 letters"#), "\(badName)")

    let folder = try folderWithConfig(named: "-bad")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let badConfig = try CgiPoolBinary.run(["manager", "stop", "--config", folder + "/pool.json"])
    #expect(badConfig.status == 65, "\(badConfig)")
    #expect(badConfig.stderr.contains("pool.json: name: invalid pool name"), "\(badConfig)")
  }
}
