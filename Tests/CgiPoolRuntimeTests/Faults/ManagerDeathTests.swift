import CgiPoolRuntime
import Foundation
import Testing

extension Faults {
  /// Issue 13: the private manager killed with SIGKILL (as the OOM killer would) leaves the
  /// pool's processes running unsupervised in its cgroups. Every command must see them.
  @Suite struct ManagerDeath {
    /// A pool of a port server, a worker with a child, and a process that ignores SIGTERM; none
    /// forks short-lived children, so the PIDs listed stay the same until they are ended.
    static func pool(_ command: CgiPoolCommand, name: String) throws -> Int {
      let port = RuntimeHarness.freePort()
      let json = """
        {"name": "\(name)", "orphan_patterns": ["no-such-program-i13"], "processes": {
          "web": {"command": ["python3", "-m", "http.server", "\(port)", "--bind", "127.0.0.1"], "restart_policy": "always",
            "stop_timeout": 5, "health_check": {"type": "port", "target": "\(port)", "timeout": 10}},
          "worker": {"command": ["sh", "-c", "sleep 600 & wait"], "depends_on": ["web"]},
          "deaf": {"command": ["python3", "-c", "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)"],
            "stop_timeout": 1}
        }}
        """
      try json.write(toFile: command.config, atomically: true, encoding: .utf8)
      return port
    }

    static func makeCommand() throws -> CgiPoolCommand {
      let folder = NSTemporaryDirectory() + "i13-death-" + UUID().uuidString
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      return CgiPoolCommand(folder: folder)
    }

    /// Kills the private manager with SIGKILL and waits until it is gone; returns its PID.
    @discardableResult
    static func killManager(_ command: CgiPoolCommand) throws -> Int32 {
      let data = try #require(FileManager.default.contents(atPath: command.folder + "/runtime/manager.json"))
      let state = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
      let pid = Int32(try #require(state["pid"] as? Int))
      kill(pid, SIGKILL)
      #expect(RuntimeHarness.eventually(timeout: 5) { !RuntimeHarness.isAlive(pid) })
      return pid
    }

    /// PIDs by process, from `status --json` of a dead manager.
    static func unsupervised(_ command: CgiPoolCommand) throws -> (run: CgiPoolCommand.Run, pids: [String: [Int32]]) {
      let run = try command.run(["status", "--json"])
      let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run)")
      let dead = try #require(document["deadManager"] as? [String: Any], "\(run)")
      var pids: [String: [Int32]] = [:]
      for entry in try #require(dead["unsupervised"] as? [[String: Any]]) {
        pids[entry["process"] as? String ?? "?", default: []].append(Int32(entry["pid"] as? Int ?? 0))
      }
      return (run, pids)
    }

    static func cgroupDirectories(_ command: CgiPoolCommand) -> [String] {
      let name = PrivateManager(runtimeDirectory: command.folder + "/runtime").cgroupName
      return ["/sys/fs/cgroup/systemd/" + name, "/sys/fs/cgroup/unified/" + name, "/sys/fs/cgroup/" + name]
        .filter { FileManager.default.fileExists(atPath: $0 + "/cgroup.procs") }
    }

    @Test func statusListsTheUnsupervisedProcessesAndStopEndsThemGracefullyThenByForce() throws {
      let command = try Self.makeCommand()
      defer { command.tearDown() }
      let port = try Self.pool(command, name: "i13-dead-stop")
      let start = try command.run(["start"])
      try #require(start.status == 0, "\(start)")
      let running = try command.statusJSON()
      // Before the death: /proc shows each process in its unit's cgroup.
      let census = PoolCensus.processes(pool: "i13-dead-stop", units: ["i13-dead-stop-web.service"])
      #expect(census["i13-dead-stop-web.service"]?.contains(Int32(running["web"]?.pid ?? 0)) == true, "\(census)")

      let managerPID = try Self.killManager(command)
      let (status, pids) = try Self.unsupervised(command)
      #expect(status.status == 4, "\(status)")
      // The pool's helper units (liveness checks, log cap) are left behind too, listed under their units' names.
      #expect(
        Set(pids.keys).subtracting(["i13-dead-stop.health.service", "i13-dead-stop.logcap.service"]) == ["web", "worker", "deaf"],
        "\(status)")
      #expect(pids["web"]?.contains(Int32(running["web"]?.pid ?? 0)) == true, "\(status)")
      #expect((pids["worker"]?.count ?? 0) >= 2, "the worker's child must be listed too: \(status)")
      let text = try command.run(["status"])
      #expect(text.status == 4)
      #expect(text.stdout.contains("its private manager (pid \(managerPID)) is dead"), "\(text)")
      #expect(text.stdout.contains("run UNSUPERVISED"), "\(text)")
      #expect(text.stdout.contains("http.server \(port)"), "the command is shown: \(text)")
      let allPIDs = pids.values.flatMap { $0 }
      #expect(allPIDs.allSatisfy(RuntimeHarness.isAlive))

      let began = Date()
      let stop = try command.run(["stop"])
      #expect(stop.status == 0, "\(stop)")
      #expect(Date().timeIntervalSince(began) >= 1, "deaf ignores SIGTERM: SIGKILL only after its stop_timeout")
      #expect(stop.stdout.contains("killed      deaf"), "\(stop)")
      #expect(stop.stdout.contains("stopped     web") && stop.stdout.contains("stopped     worker"), "\(stop)")
      #expect(stop.stdout.contains("nothing of the pool is left running"), "\(stop)")
      #expect(RuntimeHarness.eventually(timeout: 5) { !allPIDs.contains(where: RuntimeHarness.isAlive) }, "survivors of \(allPIDs)")
      #expect(Self.cgroupDirectories(command).isEmpty, "the dead manager's cgroups are removed")
      #expect(!FileManager.default.fileExists(atPath: command.folder + "/runtime/manager.json"))
      let after = try command.run(["status"])
      #expect(after.status == 3 && after.stdout.contains("no manager running"), "\(after)")
    }

    @Test func cleanupEndsTheUnsupervisedProcessesAsOrphans() throws {
      let command = try Self.makeCommand()
      defer { command.tearDown() }
      _ = try Self.pool(command, name: "i13-dead-clean")
      try #require(try command.run(["start"]).status == 0)
      try Self.killManager(command)
      let pids = try Self.unsupervised(command).pids.values.flatMap { $0 }
      #expect(!pids.isEmpty)
      let dry = try command.run(["cleanup", "--dry-run"])
      #expect(dry.stdout.contains(OrphanReaper.unsupervisedPattern), "\(dry)")
      #expect(!dry.stdout.contains("inside the pool's units"), "unsupervised processes are not pool members: \(dry)")
      let cleanup = try command.run(["cleanup", "--timeout", "1"])
      #expect(cleanup.status == 0, "\(cleanup)")
      #expect(RuntimeHarness.eventually(timeout: 5) { !pids.contains(where: RuntimeHarness.isAlive) }, "survivors of \(pids)")
      let status = try command.run(["status"])
      #expect(status.status == 3, "\(status)")
    }

    @Test func startReplacesTheUnsupervisedProcesses() throws {
      let command = try Self.makeCommand()
      defer { command.tearDown() }
      _ = try Self.pool(command, name: "i13-dead-start")
      try #require(try command.run(["start"]).status == 0)
      try Self.killManager(command)
      let old = try Self.unsupervised(command).pids.values.flatMap { $0 }
      let start = try command.run(["start"])
      #expect(start.status == 0, "\(start)")
      #expect(start.stdout.contains("is dead") && start.stdout.contains("3/3 processes up"), "\(start)")
      #expect(!old.contains(where: RuntimeHarness.isAlive), "old processes survived the new start: \(old)")
      let now = try command.statusJSON()
      #expect(now.values.allSatisfy { $0.state == "active" }, "\(now)")
      #expect(Set(now.values.map { Int32($0.pid) }).isDisjoint(with: old))
      // One pool: /proc shows exactly one main process per unit.
      let census = PoolCensus.processes(pool: "i13-dead-start", units: ["i13-dead-start-web.service", "i13-dead-start-deaf.service"])
      #expect(census.values.map(\.count) == [1, 1], "\(census)")
    }
  }
}
