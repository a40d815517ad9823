import ProcessConfig
import Testing
import UnitCompiler

/// `env_file` and `credentials` through both back ends, and the file checks before any start.
@Suite struct EnvFileMappingTests {
  /// Files that exist: `present`, answering as a file system would.
  struct Files: FileSystemInspecting {
    var present: Set<String>
    func isExecutableFile(_ path: String) -> Bool { path == "/usr/bin/sleep" }
    func isDirectory(_ path: String) -> Bool { path == "/srv/pool" || path == "/srv/pool/secrets.d" }
    func exists(_ path: String) -> Bool { present.contains(path) || isDirectory(path) }
  }

  static func pool(envFiles: [EnvironmentFile], credentials: [String: String]) -> PoolConfig {
    var process = ProcessSpec(name: "web", command: ["sleep", "1"], env: ["A": "1"])
    process.envFiles = envFiles
    process.credentials = credentials
    return PoolConfig(name: "p", processes: ["web": process], file: "p.json", baseDirectory: "/srv/pool")
  }

  static func options(_ present: Set<String>) -> CompileOptions {
    CompileOptions(probeExecutable: "/usr/bin/true", searchPath: "/usr/bin", fileSystem: Files(present: present))
  }

  @Test func envFilesAndCredentialsReachBothBackEnds() throws {
    let pool = Self.pool(
      envFiles: [EnvironmentFile(written: "app.env"), EnvironmentFile(written: "-/etc/50%.env"), EnvironmentFile(written: "../shared.env")],
      credentials: ["tls.key": "secrets.d", "db_password": "/etc/cgipool/db pass"])
    let compiled = try UnitCompiler(options: Self.options(["/srv/pool/app.env", "/srv/shared.env", "/etc/cgipool/db pass"])).compile(pool)
    let unit = try #require(compiled.unit(named: "p-web.service"))
    #expect(
      unit.values(of: "EnvironmentFile") == [
        .environmentFile(path: "/srv/pool/app.env", optional: false), .environmentFile(path: "/etc/50%.env", optional: true),
        .environmentFile(path: "/srv/shared.env", optional: false),
      ])
    // Sorted by name, paths absolute: only the path travels, never the secret.
    #expect(
      unit.values(of: "LoadCredential") == [
        .credential(name: "db_password", path: "/etc/cgipool/db pass"), .credential(name: "tls.key", path: "/srv/pool/secrets.d"),
      ])
    let lines = unit.values(of: "EnvironmentFile").map(UnitFileSyntax.render) + unit.values(of: "LoadCredential").map(UnitFileSyntax.render)
    #expect(lines == ["/srv/pool/app.env", "-/etc/50%%.env", "/srv/shared.env", "db_password:/etc/cgipool/db pass", "tls.key:/srv/pool/secrets.d"])

    let transient = TransientUnitBuilder.build(unit)
    let files = transient.properties.first { $0.name == "EnvironmentFiles" }
    #expect(files?.value == .flaggedPaths([FlaggedPath("/srv/pool/app.env", false), FlaggedPath("/etc/50%.env", true), FlaggedPath("/srv/shared.env", false)]))
    #expect(files?.value.signature == "a(sb)")
    let credentials = transient.properties.first { $0.name == "LoadCredential" }
    #expect(credentials?.value == .stringPairs([StringPair("db_password", "/etc/cgipool/db pass"), StringPair("tls.key", "/srv/pool/secrets.d")]))
    #expect(credentials?.value.signature == "a(ss)")
  }

  @Test func missingFilesAreErrorsUnlessOptional() throws {
    let pool = Self.pool(
      envFiles: [EnvironmentFile(written: "app.env"), EnvironmentFile(written: "-gone.env"), EnvironmentFile(written: "secrets.d")],
      credentials: ["key": "nowhere/key"])
    let error = try #require(throws: ConfigError.self) { try UnitCompiler(options: Self.options([])).compile(pool) }
    #expect(
      error.diagnostics.map(\.description) == [
        "p.json: processes.web.env_file[0]: environment file \"/srv/pool/app.env\" does not exist (write \"-app.env\" to start without it)",
        "p.json: processes.web.env_file[2]: environment file \"/srv/pool/secrets.d\" is a folder, not a file",
        "p.json: processes.web.credentials.key: credential file \"/srv/pool/nowhere/key\" does not exist",
      ])
    #expect(ReferencedFiles.problems(pool, fileSystem: Files(present: [])).count == 3, "check reports the same")
    let single = Self.pool(envFiles: [EnvironmentFile(written: "bad\npath")], credentials: [:])
    #expect(
      ReferencedFiles.problems(single, fileSystem: Files(present: [])).map(\.description) == [
        "p.json: processes.web.env_file: path \"/srv/pool/bad\\npath\" contains a control character, which a unit file cannot hold"
      ])
  }
}
