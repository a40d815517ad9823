import Foundation
import Testing

/// The built `cgipool` binary run as a child of the test, with its own runtime and log folders.
struct CgiPoolCommand {
  /// The scratch folder: config, `runtime/` (a private manager of its own), `logs/`, outputs.
  let folder: String

  var config: String { folder + "/process_config.json" }

  /// The variables that give the binary its own private manager and log folder.
  var environment: [String: String] {
    ["CGIPOOL_RUNTIME_DIR": folder + "/runtime", "CGIPOOL_LOG_DIR": folder + "/logs"]
  }

  /// What one finished run produced.
  struct Run: CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String
    var description: String { "status \(status)\n--- stdout ---\n\(stdout)--- stderr ---\n\(stderr)" }
  }

  /// Starts `cgipool arguments --config <config>` (no config for `manager`) without waiting; output goes to `<folder>/<name>.out|.err`.
  func spawn(_ arguments: [String], name: String) throws -> pid_t {
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var all = sigset_t()
    sigfillset(&all)
    var none = sigset_t()
    sigemptyset(&none)
    posix_spawnattr_setsigdefault(&attributes, &all)
    posix_spawnattr_setsigmask(&attributes, &none)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, folder + "/\(name).out", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, folder + "/\(name).err", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    var variables = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("CGI_POOL_") && !$0.key.hasPrefix("CGIPOOL_") }
    variables.merge(environment) { $1 }
    // `manager` commands take no config.
    let argv = [RuntimeHarness.cgipool] + arguments + (arguments.first == "manager" ? [] : ["--config", config])
    let cArguments = argv.map { strdup($0) } + [nil]
    let cEnvironment = variables.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      cArguments.forEach { free($0) }
      cEnvironment.forEach { free($0) }
    }
    var pid: pid_t = 0
    let status = posix_spawn(&pid, argv[0], &actions, &attributes, cArguments, cEnvironment)
    guard status == 0 else { throw FixtureError("cannot run cgipool: \(String(cString: strerror(status)))") }
    return pid
  }

  /// Runs `cgipool arguments --config <config>` to its end (killed after `timeout` seconds).
  func run(_ arguments: [String], timeout: Double = 60) throws -> Run {
    let name = "run-" + UUID().uuidString
    let pid = try spawn(arguments, name: name)
    var status: Int32 = 0
    let deadline = Date().addingTimeInterval(timeout)
    while waitpid(pid, &status, WNOHANG) == 0 {
      if Date() > deadline {
        kill(pid, SIGKILL)
        waitpid(pid, &status, 0)
        break
      }
      usleep(20_000)
    }
    let read = { (suffix: String) in (try? String(contentsOfFile: folder + "/\(name).\(suffix)", encoding: .utf8)) ?? "" }
    let exit = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return Run(status: exit, stdout: read("out"), stderr: read("err"))
  }

  /// `status --json`: main PID and state by process.
  func statusJSON() throws -> [String: (state: String, pid: Int)] {
    let run = try run(["status", "--json"])
    let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run)")
    let processes = try #require(document["processes"] as? [[String: Any]])
    var result: [String: (state: String, pid: Int)] = [:]
    for entry in processes {
      result[entry["process"] as? String ?? "?"] = (entry["state"] as? String ?? "?", entry["mainPID"] as? Int ?? 0)
    }
    return result
  }

  /// Stops the pool and its private manager, and removes the folder.
  func tearDown() {
    _ = try? run(["stop", "--force"])
    _ = try? run(["manager", "stop", "--runtime-dir", folder + "/runtime"])
    try? FileManager.default.removeItem(atPath: folder)
  }
}
