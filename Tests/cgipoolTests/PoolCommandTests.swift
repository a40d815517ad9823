import CgiPoolTestSupport
import Foundation
import Testing

/// `start`, `status`, `stop` and `restart` run as the built binary against its own private manager.
@Suite(.enabled(if: PrivateManagerFixture.enabled), .serialized) struct PoolCommandTests {
  /// A scratch folder with a config, and the environment that gives the run its own manager.
  struct Scratch {
    let folder: String
    var environment: [String: String] {
      ["CGIPOOL_RUNTIME_DIR": folder + "/runtime", "CGIPOOL_LOG_DIR": folder + "/logs"]
    }
    var config: String { folder + "/process_config.json" }

    init(_ json: String) throws {
      folder = NSTemporaryDirectory() + "cgipool-cli-" + UUID().uuidString
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      try json.write(toFile: folder + "/process_config.json", atomically: true, encoding: .utf8)
    }

    func run(_ arguments: [String]) throws -> CgiPoolRun {
      try CgiPoolBinary.run(arguments + ["--config", config], environment: environment, currentDirectory: URL(fileURLWithPath: folder))
    }

    /// Stops the pool and the private manager, then removes the folder.
    func tearDown() {
      _ = try? run(["stop", "--force"])
      _ = try? CgiPoolBinary.run(["manager", "stop", "--runtime-dir", folder + "/runtime"])
      try? FileManager.default.removeItem(atPath: folder)
    }
  }

  static let json = """
    {"name": "cli", "processes": {
      "web": {"command": ["sleep", "300"], "restart_policy": "always",
        "health_check": {"type": "command", "target": "true", "timeout": 2}},
      "api": {"command": ["sleep", "301"], "depends_on": ["web"]}
    }}
    """

  /// A limit the manager cannot apply is said at start (on stderr, exit 0); one it applies is
  /// not. Judged here from the process's own cgroups, not from cgipool's word.
  @Test func startWarnsAboutLimitsTheManagerCannotEnforce() throws {
    let scratch = try Scratch(
      """
      {"name": "clilim", "processes": {
        "capped": {"command": ["sleep", "300"], "limits": {"memory": "64M", "nofile": 512}}
      }}
      """)
    defer { scratch.tearDown() }
    let start = try scratch.run(["start"])
    #expect(start.status == 0, "\(start)")
    let json = try scratch.run(["status", "--json"])
    let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    let process = try #require((document["processes"] as? [[String: Any]])?.first)
    let pid = try #require(process["mainPID"] as? Int, "\(json)")
    let cgroups = try String(contentsOfFile: "/proc/\(pid)/cgroup", encoding: .utf8).split(separator: "\n")
    let enforced: Bool
    if let memory = cgroups.first(where: { $0.split(separator: ":").dropFirst().first?.split(separator: ",").contains("memory") == true }) {
      // cgroup v1: the memory hierarchy places the process in its unit's own cgroup only when
      // the manager has that controller.
      enforced = memory.hasSuffix("/clilim-capped.service")
    } else {
      let unified = try #require(cgroups.first { $0.hasPrefix("0::") }).dropFirst(3)
      enforced = FileManager.default.fileExists(atPath: "/sys/fs/cgroup\(unified)/memory.max")
    }
    let warning = "warning: capped: limits.memory is not enforced: the manager has no memory cgroup controller"
    #expect(start.stderr.contains(warning) == !enforced, "\(start)")
    // nofile is a process limit, not a cgroup one: always applied, never warned about.
    #expect(!start.stderr.contains("limits.nofile"), "\(start)")
  }

  @Test func startStatusStopThroughTheBinary() throws {
    let scratch = try Scratch(Self.json)
    defer { scratch.tearDown() }
    let start = try scratch.run(["start"])
    #expect(start.status == 0, "\(start)")
    #expect(start.stdout.contains("starting pool cli on private manager at \(scratch.folder)/runtime (systemd "), "\(start)")
    #expect(start.stdout.contains("] active     web\n") && start.stdout.contains("] active     api\n"), "\(start)")
    #expect(start.stdout.contains("2/2 processes up in "), "\(start)")

    let status = try scratch.run(["status"])
    #expect(status.status == 0, "\(status)")
    let webRow = status.stdout.split(separator: "\n").first { $0.hasPrefix("web ") }
    #expect(webRow?.contains("active/running") == true, "\(status)")
    #expect(status.stdout.hasSuffix("\n2/2 active\n"), "\(status)")

    let json = try scratch.run(["status", "--json"])
    #expect(json.status == 0)
    let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    #expect(document["pool"] as? String == "cli")
    let processes = try #require(document["processes"] as? [[String: Any]])
    #expect(processes.map { $0["process"] as? String } == ["web", "api"])
    #expect(processes.allSatisfy { $0["state"] as? String == "active" && ($0["mainPID"] as? Int ?? 0) > 0 })

    let again = try scratch.run(["start"])
    #expect(again.status == 0)
    #expect(again.stdout.contains("running    web (already running)"), "\(again)")

    let stop = try scratch.run(["stop"])
    #expect(stop.status == 0, "\(stop)")
    #expect(stop.stdout == "stopped     api\nstopped     web\nnothing of the pool is left running\n", "\(stop)")

    let after = try scratch.run(["status"])
    #expect(after.status == 3, "status exits 3 when not all are active")
    #expect(after.stdout.hasSuffix("0/2 active\n"), "\(after)")
  }

  /// `listen` through the binary: status names the socket and its addresses, restart keeps it
  /// listening, stop frees the port. The process does not serve; only the socket is looked at.
  @Test func listenShowsInStatusAndStopFreesThePort() throws {
    let port = FreePort.next()
    let scratch = try Scratch(
      """
      {"name": "iS-cli", "processes": {"web": {"command": ["sleep", "300"], "listen": ["127.0.0.1:\(port)"], "settle_time": 0}}}
      """)
    defer { scratch.tearDown() }
    let start = try scratch.run(["start"])
    #expect(start.status == 0, "\(start)")
    let status = try scratch.run(["status"])
    #expect(status.stdout.contains("\nsocket: web: 127.0.0.1:\(port) (listening)\n"), "\(status)")
    let json = try scratch.run(["status", "--json"])
    let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    let process = try #require((document["processes"] as? [[String: Any]])?.first)
    #expect(process["listen"] as? [String] == ["127.0.0.1:\(port)"], "\(json)")
    #expect(process["socketState"] as? String == "active", "\(json)")
    let restart = try scratch.run(["restart", "web"])
    #expect(restart.status == 0, "\(restart)")
    #expect(try scratch.run(["status"]).stdout.contains("socket: web: 127.0.0.1:\(port) (listening)"))
    let stop = try scratch.run(["stop"])
    #expect(stop.status == 0, "\(stop)")
    let after = try scratch.run(["status"])
    #expect(after.stdout.contains("socket: web: 127.0.0.1:\(port) (inactive)"), "\(after)")
    // Nothing holds the port any more: this process can listen on it.
    #expect(FreePort.isFree(port), "the port is free after stop")
  }

  @Test func invalidConfigStartsNothing() throws {
    let scratch = try Scratch(#"{"processes": {"a": {"command": ["sleep", "1"], "depends_on": ["nope"]}}}"#)
    defer { scratch.tearDown() }
    let start = try scratch.run(["start"])
    #expect(start.status == 65, "\(start)")
    #expect(start.stderr.contains(#"processes.a.depends_on[0]: unknown process "nope""#), "\(start)")
    #expect(!FileManager.default.fileExists(atPath: scratch.folder + "/runtime"), "no manager may be started")
  }

  @Test func unknownProcessNameIsAUsageError() throws {
    let scratch = try Scratch(Self.json)
    defer { scratch.tearDown() }
    let status = try scratch.run(["stop", "wbe"])
    #expect(status.status == 64, "\(status)")
    #expect(status.stderr.contains(#"unknown process "wbe""#), "\(status)")
    // `logs` gives the same message through the same check.
    let logs = try scratch.run(["logs", "wbe"])
    #expect(logs.status == 64, "\(logs)")
    let line = try #require(status.stderr.split(separator: "\n").first { $0.contains("unknown process") })
    #expect(logs.stderr.contains(line), "\(logs)")
  }
}
