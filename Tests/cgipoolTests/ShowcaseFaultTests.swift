import CgiPoolTestSupport
import Foundation
import Testing

/// The fault suite of the demo showcase (`ops/process_config.json`: replicated workers, the
/// manager and the proxy behind held sockets): restarts, crashes and stops under a bounded load
/// from `ab` against :8080, each on its own private manager. Behaviour only: requests lost,
/// PIDs, answers; never how long anything took.
@Suite(.enabled(if: PrivateManagerFixture.enabled), .serialized, .demoPorts, .orphanScan)
struct ShowcaseFaultTests {
  typealias Sandbox = OpsTests.Sandbox

  /// `ab` with `concurrency` requests at a time to the proxy, until `finish()` interrupts it.
  final class Load {
    /// Requests in flight at any moment: the most one fault can catch on one process.
    static let concurrency = 4
    /// ab's process (spawned with default signal handling: it must hear the SIGINT).
    let pid: pid_t
    private var exitStatus: Int32?
    let output: String
    let tag: String
    let proxyLog: String

    /// Starts the load on `hello.cgi?name=<tag>` (the same answer from every worker, so ab's
    /// length check holds), and returns once the proxy has logged answers to it.
    init(_ sandbox: Sandbox, tag: String) throws {
      let ab = "/usr/bin/ab"
      try #require(FileManager.default.isExecutableFile(atPath: ab), "ab (apache2-utils) is missing: run ops/install-deps.sh")
      self.tag = tag
      proxyLog = sandbox.folder + "/logs/proxy.log"
      output = sandbox.folder + "/ab-" + tag + ".out"
      // -r: a failed receive is counted, not the end of the run; -s 30: a connection waiting in
      // a held socket's queue through a restart is answered, not timed out; -t before -n: a
      // time limit alone would cap the count at 50000. The time limit only ends a hung test.
      pid = try CleanSpawn.spawn(
        [ab, "-q", "-r", "-c", "\(Self.concurrency)", "-t", "300", "-n", "10000000", "-s", "30",
         "http://127.0.0.1:8080/cgi-bin/hello.cgi?name=\(tag)"], stdout: output, stderr: output + ".err")
      try #require(awaitAnswers(moreThan: 0), "no answer to the load before the fault: \(text)")
    }

    /// Whether ab still runs (it gives up by itself on repeated connection errors).
    var isRunning: Bool {
      guard exitStatus == nil else { return false }
      var status: Int32 = 0
      guard waitpid(pid, &status, WNOHANG) == pid else { return true }
      exitStatus = status
      return false
    }

    /// Requests for this load the proxy has logged (one line per request).
    var answered: Int {
      let log = (try? String(contentsOfFile: proxyLog, encoding: .utf8)) ?? ""
      return log.components(separatedBy: "/cgi-bin/hello.cgi?name=\(tag) ").count - 1
    }

    /// Waits until the proxy logged more than `count` of this load's requests (and at least 4 more).
    func awaitAnswers(moreThan count: Int) -> Bool {
      RuntimeWaits.eventually(timeout: 60) { isRunning && answered > count + Self.concurrency }
    }

    /// The processes' log lines of this load's requests answered other than 200, and their
    /// errors: what a failed count was made of.
    var unanswered: String {
      let folder = (proxyLog as NSString).deletingLastPathComponent
      let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
      return files.flatMap { file in
        let log = (try? String(contentsOfFile: folder + "/" + file, encoding: .utf8)) ?? ""
        return log.split(separator: "\n").filter {
          ($0.contains("name=\(tag) ") && !$0.contains("\" 200 ")) || $0.contains("error:")
        }.map { "\(file): \($0)" }
      }.joined(separator: "\n")
    }

    var text: String {
      ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "") + ((try? String(contentsOfFile: output + ".err", encoding: .utf8)) ?? "")
    }

    /// What ab counted.
    struct Counts: CustomStringConvertible {
      var complete = 0, failed = 0, non2xx = 0
      /// Whether ab was still running when interrupted.
      var ranToTheEnd = false
      /// Requests without a 2xx answer.
      var lost: Int { failed + non2xx }
      var description: String { "complete \(complete), failed \(failed), non-2xx \(non2xx), ran to the end \(ranToTheEnd)" }
    }

    /// Interrupts ab (SIGINT: it prints what it counted so far) and reads its counts.
    func finish() -> Counts {
      var counts = Counts()
      counts.ranToTheEnd = isRunning
      if counts.ranToTheEnd {
        kill(pid, SIGINT)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        exitStatus = status
      }
      for line in text.split(separator: "\n") {
        let fields = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard fields.count == 2, let value = Int(fields[1].split(separator: " ").first ?? "") else { continue }
        switch fields[0] {
        case "Complete requests": counts.complete = value
        case "Failed requests": counts.failed = value
        case "Non-2xx responses": counts.non2xx = value
        default: break
        }
      }
      return counts
    }

    deinit {
      if isRunning {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
      }
    }
  }

  /// The main PID of each process (instances by name), from `status --json`.
  static func pids(_ sandbox: Sandbox, config: String? = nil) throws -> [String: Int] {
    let run = try sandbox.cgipool(["status", "--json"] + (config.map { ["--config", $0] } ?? []))
    let document = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
    let rows = document?["processes"] as? [[String: Any]] ?? []
    return Dictionary(uniqueKeysWithValues: rows.compactMap { row in
      (row["process"] as? String).map { ($0, row["mainPID"] as? Int ?? 0) }
    })
  }

  /// Starts the showcase (or `config`) in `sandbox`; requires every process up.
  static func start(_ sandbox: Sandbox, config: String? = nil) throws {
    let start = try sandbox.cgipool(["start"] + (config.map { ["--config", $0] } ?? []))
    try #require(start.status == 0, "\(start)")
  }

  /// Waits until every process in `processes` runs with a main PID other than the one in `before`.
  static func awaitNewPIDs(_ sandbox: Sandbox, _ processes: [String], before: [String: Int], config: String? = nil) throws -> Bool {
    try RuntimeWaits.eventually(timeout: 60) {
      let now = try pids(sandbox, config: config)
      return processes.allSatisfy { (now[$0] ?? 0) > 0 && now[$0] != before[$0] }
    }
  }

  /// A restart under load: what it names, and the processes that must have new PIDs afterwards.
  typealias RestartScenario = (tag: String, arguments: [String], restarted: [String])

  /// Runs each scenario under its own load: every process in `restarted` has a new PID, every
  /// other keeps its own, nothing survived, and no request went unanswered.
  static func expectLossless(_ scenarios: [RestartScenario], in sandbox: Sandbox, config: String? = nil) throws {
    let configArguments = config.map { ["--config", $0] } ?? []
    for scenario in scenarios {
      let before = try pids(sandbox, config: config)
      let load = try Load(sandbox, tag: scenario.tag)
      let restart = try CgiPoolBinary.run(
        scenario.arguments + configArguments, environment: sandbox.environment,
        currentDirectory: URL(fileURLWithPath: OpsTests.root), timeout: 300)
      #expect(restart.status == 0, "\(scenario.tag): \(restart)")
      #expect(!restart.stdout.contains("SURVIVED"), "\(scenario.tag): \(restart)")
      let after = try pids(sandbox, config: config)
      for process in scenario.restarted {
        #expect((after[process] ?? 0) > 0 && after[process] != before[process], "\(scenario.tag): \(process) \(before) -> \(after)")
      }
      // Processes the restart did not name keep running (a rolling restart of a worker group
      // does not take down the manager or the proxy).
      for (process, pid) in before where !scenario.restarted.contains(process) && process != "warmup" {
        #expect(after[process] == pid, "\(scenario.tag): \(process) \(before) -> \(after)")
      }
      // The load goes on against the restarted processes before it is stopped.
      let answered = load.answered
      #expect(load.awaitAnswers(moreThan: answered), "\(scenario.tag): no answers after the restart")
      let counts = load.finish()
      #expect(counts.ranToTheEnd && counts.complete > 0 && counts.lost == 0, "\(scenario.tag): \(counts)\n\(load.unanswered)\n\(load.text)")
    }
  }

  @Test func rollingProxyAndWholePoolRestartsLoseNoRequest() throws {
    let sandbox = Sandbox()
    try Self.start(sandbox)
    try Self.expectLossless(
      [
        ("roll-hello", ["restart", "sample_hello"], ["sample_hello@1", "sample_hello@2"]),
        ("roll-time", ["restart", "sample_time"], ["sample_time@1", "sample_time@2"]),
        ("proxy", ["restart", "proxy"], ["proxy"]),
        ("pool", ["restart"], ["sample_hello@1", "sample_hello@2", "sample_time@1", "sample_time@2", "pool_manager", "proxy"]),
      ], in: sandbox)
  }

  /// When process `pid` started, in clock ticks after boot (field 22 of `/proc/PID/stat`).
  static func startTicks(_ pid: Int) -> UInt64? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
      let close = stat.lastIndex(of: ")")
    else { return nil }
    // After ") " come fields 3, 4, ...: starttime (22) is the 20th.
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    return fields.count > 19 ? UInt64(fields[19]) : nil
  }

  /// A process restarted together with a dependent that holds a socket: a connection waiting
  /// on the dependent's socket starts it again while the dependency is still stopping, and that
  /// start must not keep the dependency on its old process (or start the dependent before it).
  @Test func restartingADependencyWithItsDependentsLosesNoRequest() throws {
    let sandbox = Sandbox()
    let config = try Self.restartingProxyConfig(in: sandbox)
    defer { _ = try? sandbox.cgipool(["stop", "--force", "--config", config]) }
    try Self.start(sandbox, config: config)
    let workers = ["sample_hello@1", "sample_hello@2"]
    try Self.expectLossless(
      [
        // The proxy follows the manager (`restart: true`).
        ("manager", ["restart", "pool_manager"], ["pool_manager", "proxy"]),
        ("manager-proxy", ["restart", "proxy", "pool_manager"], ["pool_manager", "proxy"]),
        // The manager depends on sample_hello without `restart: true`: named, it restarts after the group.
        ("hello-manager", ["restart", "pool_manager", "sample_hello"], workers + ["pool_manager", "proxy"]),
      ], in: sandbox, config: config)
    // Each restarted process came back after the one it depends on: its process is younger.
    let after = try Self.pids(sandbox, config: config)
    let started = try after.filter { $0.value > 0 }.mapValues { try #require(Self.startTicks($0), "\($0)") }
    for worker in workers { #expect(started[worker]! <= started["pool_manager"]!, "\(after) \(started)") }
    #expect(started["pool_manager"]! <= started["proxy"]!, "\(after) \(started)")
  }

  @Test func killedReplicaLosesAtMostItsRequestsInFlightAndDependentsKeepTheirPIDs() throws {
    let sandbox = Sandbox()
    try Self.start(sandbox)
    let before = try Self.pids(sandbox)
    let load = try Load(sandbox, tag: "kill-replica")
    let victim = try #require(before["sample_hello@1"])
    kill(pid_t(victim), SIGKILL)
    #expect(try Self.awaitNewPIDs(sandbox, ["sample_hello@1"], before: before), "sample_hello@1 was not restarted")
    let answered = load.answered
    #expect(load.awaitAnswers(moreThan: answered), "no answers after the kill")
    let counts = load.finish()
    #expect(counts.ranToTheEnd && counts.complete > 0, "\(counts)\n\(load.text)")
    #expect(counts.lost <= Load.concurrency, "more requests lost than were in flight: \(counts)\n\(load.text)")
    // A dependency's crash (the manager depends on sample_hello) leaves the dependents alone.
    let after = try Self.pids(sandbox)
    for process in ["sample_hello@2", "sample_time@1", "sample_time@2", "pool_manager", "proxy"] {
      #expect(after[process] == before[process], "\(process): \(before) -> \(after)")
    }

    // The manager's crash: systemd restarts it (restart_policy always); the proxy, which
    // depends on it without `restart: true`, keeps its PID.
    kill(pid_t(try #require(after["pool_manager"])), SIGKILL)
    #expect(try Self.awaitNewPIDs(sandbox, ["pool_manager"], before: after), "pool_manager was not restarted")
    let afterManager = try Self.pids(sandbox)
    #expect(afterManager["proxy"] == before["proxy"], "\(after) -> \(afterManager)")
    #expect(OpsTests.get("http://127.0.0.1:8080/cgi-bin/hello.cgi?name=after").hasSuffix("Hello, after!\n"))
  }

  /// The showcase with the proxy's dependency on the manager saying `restart: true`.
  static func restartingProxyConfig(in sandbox: Sandbox) throws -> String {
    let data = try Data(contentsOf: URL(fileURLWithPath: OpsTests.demoConfig))
    var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    var processes = try #require(object["processes"] as? [String: [String: Any]])
    for (name, var process) in processes {
      // The copy lives elsewhere: its working directories point at the demo.
      process["cwd"] = OpsTests.root + "/ops/" + (process["cwd"] as? String ?? ".")
      processes[name] = process
    }
    processes["proxy"]?["depends_on"] = [["process": "pool_manager", "condition": "healthy", "restart": true]]
    object["processes"] = processes
    let path = sandbox.folder + "/restarting-proxy.json"
    try FileManager.default.createDirectory(atPath: sandbox.folder, withIntermediateDirectories: true)
    try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: URL(fileURLWithPath: path))
    return path
  }

  @Test func dependencyCrashRestartsOnlyTheDependentThatAsksForIt() throws {
    let sandbox = Sandbox()
    let config = try Self.restartingProxyConfig(in: sandbox)
    defer { _ = try? sandbox.cgipool(["stop", "--force", "--config", config]) }
    try Self.start(sandbox, config: config)
    let before = try Self.pids(sandbox, config: config)
    kill(pid_t(try #require(before["pool_manager"])), SIGKILL)
    #expect(try Self.awaitNewPIDs(sandbox, ["pool_manager", "proxy"], before: before, config: config), "\(before)")
    let after = try Self.pids(sandbox, config: config)
    for process in ["sample_hello@1", "sample_hello@2", "sample_time@1", "sample_time@2"] {
      #expect(after[process] == before[process], "\(process): \(before) -> \(after)")
    }
    #expect(
      RuntimeWaits.eventually(timeout: 60) {
        OpsTests.get("http://127.0.0.1:8080/cgi-bin/hello.cgi?name=again").hasSuffix("Hello, again!\n")
      })
  }

  /// The `slow.cgi` scripts running now, by the unit they run in (from /proc: the host's view).
  static func slowScripts() -> [String: Int] {
    var found: [String: Int] = [:]
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    for pid in entries where Int(pid) != nil {
      guard let cmdline = try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8),
        cmdline.contains("cgi-bin/slow.cgi"),
        let cgroup = try? String(contentsOfFile: "/proc/\(pid)/cgroup", encoding: .utf8),
        let unit = cgroup.split(separator: "/").last(where: { $0.hasPrefix("cgipool-sample_") && $0.contains(".service") })
      else { continue }
      found[String(unit.prefix { $0 != "\n" }), default: 0] += 1
    }
    return found
  }

  @Test func restartsFinishTheRequestsInFlight() throws {
    let sandbox = Sandbox()
    try Self.start(sandbox)
    // Three requests that each take 4 s (the demo's drain time; stop_timeout is 5 s).
    let answers = SlowRequests(count: 3, seconds: 4)
    var busy: [String: Int] = [:]
    #expect(
      RuntimeWaits.eventually(timeout: 30) {
        busy = Self.slowScripts()
        return busy.values.reduce(0, +) == 3
      }, "the slow requests did not all reach a worker: \(busy)")
    // Restart one instance serving a slow request, and the proxy, while the requests run.
    let unit = try #require(busy.keys.sorted().first)
    let instance = String(unit.dropFirst("cgipool-".count).dropLast(".service".count))
    let before = try Self.pids(sandbox)
    let worker = try #require(before[instance])
    // Both at once, each by its own command: `restart <instance> proxy` would restart them in
    // turn, the worker first, and the proxy's requests would be answered before its stop.
    let proxyRestart = try Sandbox.Background(["restart", "proxy"], sandbox: sandbox, name: "restart-proxy")
    let restart = try sandbox.cgipool(["restart", instance])
    proxyRestart.process.waitUntilExit()
    #expect(restart.status == 0 && proxyRestart.process.terminationStatus == 0, "\(restart)\n\(proxyRestart.text)")
    let after = try Self.pids(sandbox)
    #expect(after[instance] != worker && after["proxy"] != before["proxy"], "\(before) -> \(after)")
    let answered = answers.wait()
    for answer in answered {
      #expect(answer.hasPrefix("HTTP/1.1 200") && answer.contains("slept 4 s in worker pid "), "\(answer)")
    }
    // The restarted worker, stopped with a request in flight, still answered it before it exited.
    #expect(answered.contains { $0.hasSuffix("slept 4 s in worker pid \(worker)\n") }, "\(worker): \(answered)")
    for process in [instance, "proxy"] {
      let log = try sandbox.cgipool(["logs", process, "-n", "400"])
      #expect(log.stdout.contains(#/stopping: draining [1-9][0-9]* requests? in flight/#), "\(process): \(log)")
      #expect(!log.stdout.contains("closing anyway"), "\(process): \(log)")
    }
  }

  /// Requests to `slow.cgi` through the proxy, each in a thread of its own.
  final class SlowRequests: @unchecked Sendable {
    private var answers: [String] = []
    private let lock = NSLock()
    private let group = DispatchGroup()

    init(count: Int, seconds: Int) {
      for index in 0..<count {
        group.enter()
        Thread.detachNewThread { [self] in
          let answer = OpsTests.get("http://127.0.0.1:8080/cgi-bin/slow.cgi?seconds=\(seconds)&n=\(index)", timeout: 30)
          lock.lock()
          answers.append(answer)
          lock.unlock()
          group.leave()
        }
      }
    }

    func wait() -> [String] {
      group.wait()
      lock.lock()
      defer { lock.unlock() }
      return answers
    }
  }
}
