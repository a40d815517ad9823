import CgiPoolTestSupport
import Foundation
import Testing

/// The operator layer on the real demo pool: ops/startup.sh, status, logs, restarts,
/// monitor mode and ops/shutdown.sh, each against its own private manager.
@Suite(.enabled(if: PrivateManagerFixture.enabled), .serialized, .demoPorts, .orphanScan) struct OpsTests {
  static let root = CgiPoolBinary.packageRoot.path
  static let demoConfig = root + "/ops/process_config.json"

  /// A private manager and log folder of the test's own.
  final class Sandbox {
    let folder = NSTemporaryDirectory() + "cgipool-ops-" + UUID().uuidString
    var environment: [String: String] {
      ["CGIPOOL_RUNTIME_DIR": folder + "/runtime", "CGIPOOL_LOG_DIR": folder + "/logs", "CGI_POOL_CONFIG": OpsTests.demoConfig]
    }
    deinit {
      _ = try? CgiPoolBinary.run(["stop", "--force", "--config", OpsTests.demoConfig], environment: environment)
      _ = try? CgiPoolBinary.run(["manager", "stop", "--runtime-dir", folder + "/runtime"])
      try? FileManager.default.removeItem(atPath: folder)
    }

    func cgipool(_ arguments: [String]) throws -> CgiPoolRun {
      try CgiPoolBinary.run(arguments, environment: environment, currentDirectory: URL(fileURLWithPath: OpsTests.root))
    }

    /// Runs a script of ops/ with the sandbox's environment.
    func script(_ name: String, _ arguments: [String], variables: [String: String] = [:]) throws -> (status: Int32, output: String) {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: OpsTests.root + "/ops/" + name)
      process.arguments = arguments
      process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        .merging(["CGIPOOL": CgiPoolBinary.executable.path]) { _, new in new }.merging(variables) { _, new in new }
      let log = folder + "/" + name + ".out"
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      _ = FileManager.default.createFile(atPath: log, contents: nil)
      let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
      process.standardOutput = handle
      process.standardError = handle
      process.standardInput = FileHandle.nullDevice
      try process.run()
      process.waitUntilExit()
      try handle.close()
      return (process.terminationStatus, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }

    /// A `cgipool` run in the background, its output going to a file the test can poll.
    final class Background {
      let process = Process()
      let handle: FileHandle
      let output: String
      /// Runs `cgipool arguments`, or with `script` the ops script of that name (with `CGIPOOL` set).
      init(_ arguments: [String], sandbox: Sandbox, name: String, script: String? = nil) throws {
        output = sandbox.folder + "/" + name + ".out"
        try FileManager.default.createDirectory(atPath: sandbox.folder, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        process.executableURL = script.map { URL(fileURLWithPath: OpsTests.root + "/ops/" + $0) } ?? CgiPoolBinary.executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(sandbox.environment) { _, new in new }
          .merging(["CGIPOOL": CgiPoolBinary.executable.path]) { _, new in new }
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
      }
      /// Everything written so far.
      var text: String { (try? String(contentsOfFile: output, encoding: .utf8)) ?? "" }
      /// Sends `signal` and waits for the exit; returns the exit status.
      func interrupt(_ signal: Int32 = SIGINT) -> Int32 {
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        try? handle.close()
        return process.terminationStatus
      }
      deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
    }

    func statusJSON() throws -> [[String: Any]] {
      let run = try cgipool(["status", "--json"])
      let document = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
      return document?["processes"] as? [[String: Any]] ?? []
    }
  }

  /// `curl` through the proxy; the response with headers.
  /// The demo units' private /tmp and /var/tmp folders (`sandbox: strict`) now on the machine.
  /// The tests hold the demo's lock, so folders that appear during one are that test's.
  static func demoTemporaryFolders() -> Set<String> {
    Set(["/tmp", "/var/tmp"].flatMap { root in
      ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
        .filter { $0.hasPrefix("systemd-private-") && $0.contains("-cgipool-") }.map { root + "/" + $0 }
    })
  }

  static func get(_ url: String, timeout: Int = 5) -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    process.arguments = ["-s", "-i", "--max-time", "\(timeout)", url]
    let pipe = Pipe()
    process.standardOutput = pipe
    guard (try? process.run()) != nil else { return "" }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
  }

  @Test func startupStatusLogsRestartAndShutdown() throws {
    let sandbox = Sandbox()
    let foldersBefore = Self.demoTemporaryFolders()
    // The documented operator forms (issue 13): `true`, not only `1`, turns the cleanup on.
    let startup = try sandbox.script("startup.sh", ["--no-monitor"], variables: ["CGI_POOL_CLEANUP": "TRUE"])
    #expect(startup.status == 0, "\(startup.output)")
    #expect(startup.output.contains("7/7 processes up"), "\(startup.output)")
    #expect(startup.output.contains("Pool \"cgipool\": scanned"), "CGI_POOL_CLEANUP=TRUE ran no cleanup: \(startup.output)")

    let answer = Self.get("http://127.0.0.1:8080/cgi-bin/hello.cgi?name=ops")
    #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer)")
    #expect(answer.contains("X-CGI-Worker: sample_"), "\(answer)")
    #expect(answer.hasSuffix("Hello, ops!\n"), "\(answer)")

    let status = try sandbox.cgipool(["status"])
    #expect(status.status == 0, "\(status)")
    #expect(status.stdout.contains("6/6 active, 1 finished (restart_policy no)"), "\(status)")

    // The worker that answered logged the request: one of its replicas, each with its own log.
    let worker = answer.contains("X-CGI-Worker: sample_hello") ? "sample_hello" : "sample_time"
    let logs = try ["@1", "@2"].map { try sandbox.cgipool(["logs", worker + $0, "-n", "20"]) }
    #expect(logs.allSatisfy { $0.status == 0 }, "\(logs)")
    #expect(logs.filter { $0.stdout.contains("GET /cgi-bin/hello.cgi?name=ops") }.count == 1, "\(logs)")
    // The group's name alone says which instances to name.
    let group = try sandbox.cgipool(["logs", worker])
    #expect(group.status != 0 && group.stderr.contains("\(worker) runs as 2 instances"), "\(group)")

    // A worker killed by hand is restarted by systemd (on-failure: SIGKILL is a failure).
    let before = try sandbox.statusJSON().first { $0["process"] as? String == "sample_time@1" }
    let pid = try #require(before?["mainPID"] as? Int)
    kill(pid_t(pid), SIGKILL)
    let restarted = try RuntimeWaits.eventually(timeout: 15) {
      let now = try sandbox.statusJSON().first { $0["process"] as? String == "sample_time@1" }
      return (now?["restarts"] as? Int ?? 0) >= 1 && (now?["mainPID"] as? Int).map { $0 != pid } == true
        && now?["state"] as? String == "active"
    }
    #expect(restarted, "sample_time@1 was not restarted")

    let shutdown = try sandbox.script("shutdown.sh", [], variables: ["CGI_POOL_CLEANUP": "on", "CGI_POOL_FORCE": "No"])
    #expect(shutdown.status == 0, "\(shutdown.output)")
    #expect(shutdown.output.contains("==> ending orphaned pool processes"), "CGI_POOL_CLEANUP=on ran no cleanup: \(shutdown.output)")
    #expect(shutdown.output.contains("nothing of pool cgipool is left running"), "\(shutdown.output)")
    #expect(Self.get("http://127.0.0.1:8080/health").isEmpty, "the proxy still answers")
    #expect(!FileManager.default.fileExists(atPath: sandbox.folder + "/runtime"), "the private manager's folder is left")
    #expect(Self.demoTemporaryFolders().subtracting(foldersBefore).isEmpty, "private temporary folders left behind")
  }

  /// startup.sh refuses to start while another program holds a port the pool binds (a held
  /// socket) or probes (a replica's health port, `{replica}` filled in), naming the process.
  @Test func startupNamesThePortsInUse() throws {
    let sandbox = Sandbox()
    var taken: [Int32] = []
    defer { taken.forEach { close($0) } }
    for port in [8080, 9102] {
      let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
      // A test before this one leaves the demo's ports in TIME_WAIT; without SO_REUSEADDR the
      // bind fails on those, while a port something listens on is refused either way.
      var reuse: Int32 = 1
      setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
      var address = sockaddr_in()
      address.sin_family = sa_family_t(AF_INET)
      address.sin_port = in_port_t(UInt16(port).bigEndian)
      address.sin_addr.s_addr = inet_addr("127.0.0.1")
      let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
      }
      try #require(bound == 0 && listen(descriptor, 1) == 0, "port \(port) is not free for the test")
      taken.append(descriptor)
    }
    let startup = try sandbox.script("startup.sh", ["--no-build", "--no-monitor"])
    #expect(startup.status != 0, "\(startup.output)")
    #expect(startup.output.contains("proxy: port 8080 is already in use"), "\(startup.output)")
    #expect(startup.output.contains("sample_hello: port 9102 is already in use"), "\(startup.output)")
    #expect(!FileManager.default.fileExists(atPath: sandbox.folder + "/runtime/manager.json"), "a manager was started")
  }

  @Test func monitorModeStopsThePoolOnSIGINT() throws {
    let sandbox = Sandbox()
    let monitor = try Sandbox.Background(["start", "--monitor", "--config", Self.demoConfig], sandbox: sandbox, name: "monitor")
    #expect(RuntimeWaits.eventually(timeout: 30) { monitor.text.contains("monitoring pool cgipool") }, "\(monitor.text)")
    // A change the monitor must report: kill a worker, systemd restarts it.
    let worker = try sandbox.statusJSON().first { $0["process"] as? String == "sample_hello@1" }
    kill(pid_t(try #require(worker?["mainPID"] as? Int)), SIGKILL)
    #expect(
      RuntimeWaits.eventually(timeout: 15) { monitor.text.contains("sample_hello@1: restarted by systemd (restart 1)") },
      "\(monitor.text)")

    let status = monitor.interrupt()
    let text = { monitor.text }
    #expect(status == 0, "\(text())")
    #expect(text().contains("stopping pool cgipool (Ctrl+C again to force)"), "\(text())")
    #expect(text().contains("nothing of the pool is left running"), "\(text())")
    let left = try sandbox.statusJSON().filter { $0["state"] as? String == "active" }
    #expect(left.isEmpty, "still active: \(left)")
  }

  /// Ctrl+C (SIGINT) or a SIGTERM sent to `ops/startup.sh --monitor` itself, as a CI runner or a
  /// service manager would: the pool stops and so does the private manager this start started.
  @Test(arguments: [SIGTERM, SIGINT])
  func signalToTheMonitorScriptEndsThePoolAndItsManager(_ signal: Int32) throws {
    let sandbox = Sandbox()
    let monitor = try Sandbox.Background(["--no-build", "--monitor"], sandbox: sandbox, name: "startup", script: "startup.sh")
    #expect(RuntimeWaits.eventually(timeout: 60) { monitor.text.contains("monitoring pool cgipool") }, "\(monitor.text)")
    let managerFile = sandbox.folder + "/runtime/manager.json"
    let data = try #require(FileManager.default.contents(atPath: managerFile), "\(monitor.text)")
    let managerPID = Int32(try #require((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["pid"] as? Int))
    let pids = try sandbox.statusJSON().compactMap { $0["mainPID"] as? Int }.filter { $0 > 0 }.map(Int32.init)
    #expect(pids.count == 6, "\(pids)")

    let status = monitor.interrupt(signal)
    let text = monitor.text
    #expect(status == 0, "\(text)")
    #expect(text.contains("nothing of the pool is left running"), "\(text)")
    #expect(text.contains("stopped the private manager"), "\(text)")
    #expect(RuntimeWaits.eventually(timeout: 10) { kill(managerPID, 0) != 0 }, "the private manager \(managerPID) still runs")
    #expect(!pids.contains { kill($0, 0) == 0 }, "pool processes survived: \(pids)")
    #expect(!FileManager.default.fileExists(atPath: sandbox.folder + "/runtime"), "the manager's runtime folder is left")
    #expect(Self.get("http://127.0.0.1:8080/health").isEmpty, "the proxy still answers")
  }

  /// The private manager killed with SIGKILL (issue 13): status lists the demo's processes as
  /// unsupervised and `ops/shutdown.sh` (make stop) ends them, checking /proc, not a manager.
  @Test func shutdownEndsWhatADeadManagerLeftRunning() throws {
    let sandbox = Sandbox()
    let foldersBefore = Self.demoTemporaryFolders()
    let startup = try sandbox.script("startup.sh", ["--no-monitor", "--no-build"])
    try #require(startup.status == 0, "\(startup.output)")
    let data = try #require(FileManager.default.contents(atPath: sandbox.folder + "/runtime/manager.json"))
    let managerPID = Int32(try #require((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["pid"] as? Int))
    kill(managerPID, SIGKILL)
    #expect(RuntimeWaits.eventually(timeout: 5) { kill(managerPID, 0) != 0 })
    #expect(Self.get("http://127.0.0.1:8080/health").hasPrefix("HTTP/1.1 200"), "the pool runs on, unsupervised")

    let status = try sandbox.cgipool(["status"])
    #expect(status.status == 4, "\(status)")
    #expect(status.stdout.contains("run UNSUPERVISED"), "\(status)")
    for process in ["sample_hello@1", "sample_hello@2", "sample_time@1", "sample_time@2", "pool_manager", "proxy"] {
      #expect(status.stdout.contains("\n\(process) "), "\(process) not listed: \(status)")
    }
    let shutdown = try sandbox.script("shutdown.sh", [])
    #expect(shutdown.status == 0, "\(shutdown.output)")
    #expect(shutdown.output.contains("is dead"), "\(shutdown.output)")
    #expect(shutdown.output.contains("nothing of pool cgipool is left running"), "\(shutdown.output)")
    #expect(Self.get("http://127.0.0.1:8080/health").isEmpty, "the proxy still answers")
    let after = try sandbox.cgipool(["status"])
    #expect(after.status == 3, "\(after)")
    // What the dead manager could not remove itself: its units' private temporary folders.
    #expect(Self.demoTemporaryFolders().subtracting(foldersBefore).isEmpty, "left behind")
  }

  @Test func interruptedStartLeavesNothingStarted() throws {
    let sandbox = Sandbox()
    let config = sandbox.folder + "/slow.json"
    try FileManager.default.createDirectory(atPath: sandbox.folder, withIntermediateDirectories: true)
    try """
      {"name": "slow", "processes": {
        "quick": {"command": ["sleep", "300"]},
        "slow": {"command": ["sleep", "301"], "startup_delay": 30, "depends_on": ["quick"],
          "health_check": {"type": "command", "target": "true", "timeout": 5}},
        "after": {"command": ["sleep", "302"], "depends_on": ["slow"]}
      }}
      """.write(toFile: config, atomically: true, encoding: .utf8)
    let start = try Sandbox.Background(["start", "--config", config], sandbox: sandbox, name: "start")
    #expect(RuntimeWaits.eventually(timeout: 30) { start.text.contains("active     quick") }, "\(start.text)")
    let exitStatus = start.interrupt()
    let text = { start.text }
    #expect(exitStatus == 130, "\(text())")
    #expect(text().contains("CANCELED   slow: start interrupted; stopped again"), "\(text())")
    let status = try CgiPoolBinary.run(["status", "--json", "--config", config], environment: sandbox.environment)
    let document = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
    let states = (document?["processes"] as? [[String: Any]] ?? []).map { $0["state"] as? String ?? "?" }
    #expect(!states.contains("active") && !states.contains("activating"), "\(states)")
    _ = try CgiPoolBinary.run(["stop", "--config", config], environment: sandbox.environment)
  }
}

/// Polling helper for end-to-end waits (not timing assertions: the bound only ends a hung test).
enum RuntimeWaits {
  static func eventually(timeout: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    repeat {
      if try condition() { return true }
      usleep(100_000)
    } while Date() < deadline
    return false
  }
}
