import Foundation
import Testing

extension Faults {
  /// Issue 13: processes that leave. A command that daemonizes must not be called up and then
  /// vanish without a word; `settle_time` holds the verdict back, `status` explains the exit,
  /// and `"type": "forking"` with `pid_file` runs such a program as systemd expects.
  @Suite struct EarlyExit {
    /// A scratch folder with a config holding `processes` (JSON members) for pool `name`.
    static func command(_ name: String, _ processes: String) throws -> CgiPoolCommand {
      let folder = NSTemporaryDirectory() + "i13-early-" + UUID().uuidString
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      let command = CgiPoolCommand(folder: folder)
      try #"{"name": "\#(name)", "processes": {\#(processes)}}"#.write(toFile: command.config, atomically: true, encoding: .utf8)
      return command
    }

    @Test func aDaemonizingCommandFailsTheStartAndStatusSaysWhy() throws {
      let command = try Self.command(
        "i13-daemonizes",
        #""server": {"command": ["/bin/sh", "-c", "sleep 300 & echo started"], "restart_policy": "on-failure"}"#)
      defer { command.tearDown() }
      let start = try command.run(["start"])
      let text = start.stdout + start.stderr
      #expect(start.status != 0, "a process that left within its settle time must fail the start: \(start)")
      #expect(text.contains("server"), "\(start)")
      #expect(text.contains("exited with status 0 after"), "\(start)")
      #expect(text.contains("the command probably daemonized"), "\(start)")
      #expect(!text.contains("1/1 processes up"), "\(start)")

      let status = try command.run(["status"])
      #expect(status.status != 0, "\(status)")
      // The manager unloaded the unit when its process ended successfully; start kept the words.
      #expect(status.stdout.contains("server: at its last start: exited with status 0 after"), "\(status)")
      #expect(status.stdout.contains("its children were stopped with it: the command probably daemonized"), "\(status)")
      // The backgrounded child went with its unit (KillMode=control-group): nothing runs on.
      #expect(try command.statusJSON()["server"]?.pid == 0)
    }

    @Test func aProcessThatEndsWithinItsSettleTimeFailsTheStart() throws {
      let command = try Self.command(
        "i13-leaves", #""brief": {"command": ["/bin/sh", "-c", "sleep 0.5"], "settle_time": 3}"#)
      defer { command.tearDown() }
      let start = try command.run(["start"])
      let text = start.stdout + start.stderr
      #expect(start.status != 0, "\(start)")
      #expect(text.contains("brief: exited with status 0 after"), "\(start)")
      #expect(text.contains("within its settle_time of 3 s"), "\(start)")
      #expect(!text.contains("active     brief"), "\(start)")
      // A later stop clears what start kept, so status no longer speaks of it.
      #expect(try command.run(["stop"]).status == 0)
      let status = try command.run(["status"])
      #expect(!status.stdout.contains("at its last start"), "\(status)")
    }

    @Test func aFailedExecSaysWhyTheKernelRefusedIt() throws {
      let command = try Self.command(
        "i13-noexec", #""text": {"command": ["./notes.txt"], "restart_policy": "no"}"#)
      defer { command.tearDown() }
      try "just words\n".write(toFile: command.folder + "/notes.txt", atomically: true, encoding: .utf8)
      chmod(command.folder + "/notes.txt", 0o755)
      let start = try command.run(["start"])
      #expect(start.status != 0, "\(start)")
      #expect(start.stdout.contains("exit status 203): Exec format error"), "\(start)")
      let status = try command.run(["status"])
      #expect(status.stdout.contains("Exec format error"), "\(status)")
    }

    @Test func aProcessThatStaysUpIsCalledUpOnlyAfterItsSettleTime() throws {
      let command = try Self.command(
        "i13-settles", #""steady": {"command": ["sleep", "600"], "settle_time": 2.5}"#)
      defer { command.tearDown() }
      let began = Date()
      let start = try command.run(["start"])
      let took = Date().timeIntervalSince(began)
      #expect(start.status == 0, "\(start)")
      #expect(took >= 2.5, "start called the process up after \(took) s, before its settle_time of 2.5 s")
      #expect(try command.statusJSON()["steady"]?.state == "active")
    }

    @Test func forkingWithAPIDFileRunsTheDaemonAsTheMainProcess() throws {
      let command = try Self.command(
        "i13-forking",
        #""daemon": {"command": ["/bin/sh", "-c", "sleep 600 & echo $! > daemon.pid"], "type": "forking", "pid_file": "daemon.pid", "restart_policy": "always"}"#)
      defer { command.tearDown() }
      let start = try command.run(["start"])
      #expect(start.status == 0, "\(start)")
      let pidText = try String(contentsOfFile: command.folder + "/daemon.pid", encoding: .utf8)
      let pid = try #require(Int(pidText.trimmingCharacters(in: .whitespacesAndNewlines)))
      let status = try command.statusJSON()["daemon"]
      #expect(status?.state == "active")
      #expect(status?.pid == pid, "systemd follows the daemon named in the PID file")
      #expect(kill(pid_t(pid), 0) == 0, "the daemon runs")
      let stop = try command.run(["stop"])
      #expect(stop.status == 0, "\(stop)")
      #expect(RuntimeHarness.eventually(timeout: 10) { kill(pid_t(pid), 0) != 0 }, "stop ends the daemon")
    }
  }
}
