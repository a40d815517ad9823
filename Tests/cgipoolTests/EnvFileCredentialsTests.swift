import CgiPoolTestSupport
import Foundation
import Testing

/// `env_file` and `credentials` against the real private manager, through both back ends:
/// transient units (`cgipool start`) and unit files the manager loads from its runtime folder.
@Suite(.enabled(if: PrivateManagerFixture.enabled), .serialized) struct EnvFileCredentialsTests {
  /// A config whose process writes what it sees (its env file's variable, a digest of the
  /// credential) to `out.txt`, so the secret itself is never printed.
  static func config(folder: String) -> String {
    """
    {"name": "i15-secrets", "processes": {
      "app": {"command": ["/bin/sh", "-c", "{ echo \\"greeting=$GREETING\\"; echo \\"late=$LATE\\"; sha256sum < \\"$CREDENTIALS_DIRECTORY/db_password\\"; } > \\"$OUT.tmp\\" && mv \\"$OUT.tmp\\" \\"$OUT\\"; exec sleep 300"],
        "env": {"OUT": "\(folder)/out.txt", "LATE": "from env"},
        "env_file": ["app.env", "-absent.env", "late.env"],
        "credentials": {"db_password": "secrets/db"}}
    }}
    """
  }

  /// The scratch folder with the config, the env files and the secret; the secret is random per run.
  static func prepare() throws -> (PoolCommandTests.Scratch, secret: String) {
    let secret = "i15-" + UUID().uuidString + "-secret"
    let scratch = try PoolCommandTests.Scratch("{}")
    try config(folder: scratch.folder).write(toFile: scratch.config, atomically: true, encoding: .utf8)
    try "GREETING=hello one\n".write(toFile: scratch.folder + "/app.env", atomically: true, encoding: .utf8)
    // A later file wins over Environment= and earlier files, as systemd reads them in order.
    try "LATE=from late.env\n".write(toFile: scratch.folder + "/late.env", atomically: true, encoding: .utf8)
    try FileManager.default.createDirectory(atPath: scratch.folder + "/secrets", withIntermediateDirectories: true)
    try secret.write(toFile: scratch.folder + "/secrets/db", atomically: true, encoding: .utf8)
    return (scratch, secret)
  }

  /// Waits for the process's report and returns it.
  static func report(_ scratch: PoolCommandTests.Scratch, after: Date? = nil) throws -> String {
    let path = scratch.folder + "/out.txt"
    for _ in 0..<200 {
      if let text = try? String(contentsOfFile: path, encoding: .utf8), !text.isEmpty {
        let written = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? nil
        if after == nil || (written ?? .distantPast) >= after! { return text }
      }
      usleep(50_000)
    }
    Issue.record("the process wrote no report to \(path)")
    return ""
  }

  static func digest(_ secret: String) throws -> String {
    let run = try HostCommand.run(["/usr/bin/sha256sum"], input: secret).requiringSuccess("sha256sum")
    return run.stdout
  }

  /// Every file under `roots` (as the manager's mount namespace sees them, where its credentials
  /// folders are mounted) holding `secret`, systemd's credentials folder aside.
  static func filesHolding(_ secret: String, roots: [String], managerPID: Int32, credentials: String) throws -> [String] {
    let run = try HostCommand.run(
      ["/usr/bin/nsenter", "-t", String(managerPID), "-m", "--", "/bin/grep", "-rlF", "--", secret] + roots)
    // grep: 0 found, 1 none found, 2 an error (a vanished file is fine; a failure to run is not).
    #expect(run.status == 0 || run.status == 1 || (run.status == 2 && !run.stdout.isEmpty), "\(run)")
    return run.stdout.split(separator: "\n").map(String.init).filter { !$0.hasPrefix(credentials + "/") }
  }

  static func managerPID(_ scratch: PoolCommandTests.Scratch) throws -> Int32 {
    let data = try Data(contentsOf: URL(fileURLWithPath: scratch.folder + "/runtime/manager.json"))
    let state = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    return Int32(try #require(state["pid"] as? Int))
  }

  @Test func transientUnitsReadEnvFilesAtEveryStartAndLoadCredentials() throws {
    let (scratch, secret) = try Self.prepare()
    defer { scratch.tearDown() }
    let check = try scratch.run(["check"])
    #expect(check.status == 0, "\(check)")

    let start = try scratch.run(["start"])
    #expect(start.status == 0, "\(start)")
    let first = try Self.report(scratch)
    #expect(first.contains("greeting=hello one\n"), "\(first)")
    #expect(first.contains("late=from late.env\n"), "\(first)")
    #expect(first.contains(try Self.digest(secret)), "the process reads the secret from $CREDENTIALS_DIRECTORY: \(first)")

    // systemd reads the env file again at a restart: an edit reaches the process without a config change.
    try "GREETING=hello two\n".write(toFile: scratch.folder + "/app.env", atomically: true, encoding: .utf8)
    try FileManager.default.removeItem(atPath: scratch.folder + "/out.txt")
    let restart = try scratch.run(["restart", "app"])
    #expect(restart.status == 0, "\(restart)")
    let second = try Self.report(scratch)
    #expect(second.contains("greeting=hello two\n"), "\(second)")

    // The secret is nowhere but in systemd's credentials folder: not in what cgipool prints...
    for arguments in [["status", "--json"], ["status"], ["generate", "units", "--stdout"], ["generate", "units", "--transient"], ["logs", "app"]] {
      let run = try scratch.run(arguments)
      #expect(!run.stdout.contains(secret) && !run.stderr.contains(secret), "\(arguments) shows the secret")
    }
    let runtime = scratch.folder + "/runtime"
    // ...nor in any file cgipool or the manager wrote (the runtime folder with the transient units,
    // the manager's log and state, the health state; the logs; the manager's own /run/systemd).
    let found = try Self.filesHolding(
      secret, roots: [runtime, scratch.folder + "/logs", "/run/systemd"], managerPID: try Self.managerPID(scratch),
      credentials: runtime + "/credentials")
    #expect(found.isEmpty, "the secret is in \(found)")
    // It is in the credentials folder, and only there: the search does find it where it is.
    let there = try HostCommand.run(
      ["/usr/bin/nsenter", "-t", String(try Self.managerPID(scratch)), "-m", "--", "/bin/grep", "-rlF", "--", secret, runtime])
    #expect(there.stdout == runtime + "/credentials/i15-secrets-app.service/db_password\n", "\(there)")
  }

  @Test func unitFilesCarryEnvFilesAndCredentials() throws {
    let (scratch, secret) = try Self.prepare()
    defer { scratch.tearDown() }
    let runtime = scratch.folder + "/runtime"
    let manager = try CgiPoolBinary.run(["manager", "start", "--runtime-dir", runtime], environment: scratch.environment)
    #expect(manager.status == 0, "\(manager)")
    // The manager loads unit files from <runtime>/systemd/user; `start` then uses them.
    let generate = try scratch.run(["generate", "units", "--output", runtime + "/systemd/user"])
    #expect(generate.status == 0, "\(generate)")
    let unit = try String(contentsOfFile: runtime + "/systemd/user/i15-secrets-app.service", encoding: .utf8)
    #expect(unit.contains("EnvironmentFile=\(scratch.folder)/app.env\nEnvironmentFile=-\(scratch.folder)/absent.env\nEnvironmentFile=\(scratch.folder)/late.env\n"), "\(unit)")
    #expect(unit.contains("LoadCredential=db_password:\(scratch.folder)/secrets/db\n"), "\(unit)")
    let reload = try HostCommand.run(["/usr/bin/env", "XDG_RUNTIME_DIR=\(runtime)", "systemctl", "--user", "daemon-reload"])
    #expect(reload.status == 0, "\(reload)")

    let start = try scratch.run(["start"])
    #expect(start.status == 0, "\(start)")
    let report = try Self.report(scratch)
    #expect(report.contains("greeting=hello one\n") && report.contains("late=from late.env\n"), "\(report)")
    #expect(report.contains(try Self.digest(secret)), "\(report)")
    let found = try Self.filesHolding(
      secret, roots: [runtime, scratch.folder + "/logs", "/run/systemd"], managerPID: try Self.managerPID(scratch),
      credentials: runtime + "/credentials")
    #expect(found.isEmpty, "the secret is in \(found)")
  }

  @Test func checkRefusesAMissingEnvFileUnlessOptional() throws {
    let scratch = try PoolCommandTests.Scratch(
      #"{"name": "i15-envcheck", "processes": {"a": {"command": ["sleep", "1"], "env_file": "nope.env", "credentials": {"key": "none/key"}}}}"#)
    defer { scratch.tearDown() }
    let check = try scratch.run(["check"])
    #expect(check.status == 65, "\(check)")
    #expect(check.stderr.contains("processes.a.env_file: environment file \"\(scratch.folder)/nope.env\" does not exist (write \"-nope.env\" to start without it)"), "\(check)")
    #expect(check.stderr.contains("processes.a.credentials.key: credential file \"\(scratch.folder)/none/key\" does not exist"), "\(check)")
    let start = try scratch.run(["start"])
    #expect(start.status == 65, "nothing starts: \(start)")

    try #"{"name": "i15-envcheck", "processes": {"a": {"command": ["sleep", "1"], "env_file": ["-nope.env"]}}}"#
      .write(toFile: scratch.config, atomically: true, encoding: .utf8)
    let optional = try scratch.run(["check"])
    #expect(optional.status == 0, "\(optional)")
  }
}
