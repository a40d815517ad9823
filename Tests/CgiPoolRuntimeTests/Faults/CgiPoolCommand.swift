import CgiPoolTestSupport
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
    var variables = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("CGI_POOL_") && !$0.key.hasPrefix("CGIPOOL_") }
    variables.merge(environment) { $1 }
    // `manager` commands take no config.
    let argv = [RuntimeHarness.cgipool] + arguments + (arguments.first == "manager" ? [] : ["--config", config])
    let pid: pid_t
    do {
      pid = try CleanSpawn.spawn(argv, stdout: folder + "/\(name).out", stderr: folder + "/\(name).err", environment: variables)
    } catch {
      throw FixtureError("cannot run cgipool: \(error)")
    }
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
