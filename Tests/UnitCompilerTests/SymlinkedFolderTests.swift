import Foundation
import ProcessConfig
import Testing
import UnitCompiler

/// Paths are normalized lexically: a `cwd` reached through a symlink stays the link in the units,
/// so they do not depend on where the compiling host's links point.
@Suite struct SymlinkedFolderTests {
  @Test func aWorkingDirectoryThroughASymlinkKeepsTheLink() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("i14-symlink-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: root) }
    try FileManager.default.createDirectory(atPath: root + "/real/sub", withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(atPath: root + "/link", withDestinationPath: root + "/real")
    let pool = PoolConfig(
      name: "links",
      processes: [
        "web": ProcessSpec(name: "web", command: ["/bin/sleep", "100"], cwd: "link/./sub/.."),
        "api": ProcessSpec(name: "api", command: ["/bin/sleep", "100"], cwd: root + "/link/sub"),
      ],
      file: "links.json", baseDirectory: root)
    let options = CompileOptions(probeExecutable: "/opt/cgipool/bin/cgipool", searchPath: "/usr/bin", fileSystem: LocalFileSystem())
    let compiled = try UnitCompiler(options: options).compile(pool)
    #expect(compiled.unit(named: "links-web.service")?.values(of: "WorkingDirectory") == [.string(root + "/link")])
    #expect(compiled.unit(named: "links-api.service")?.values(of: "WorkingDirectory") == [.string(root + "/link/sub")])
    // The same rule as the config model's own resolution.
    #expect(pool.processes["web"]!.resolvedWorkingDirectory(base: root) == root + "/link")
  }
}
