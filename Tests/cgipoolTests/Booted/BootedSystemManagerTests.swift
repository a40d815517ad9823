import CgiPoolTestSupport
import Foundation
import Testing

/// cgipool against a real systemd booted as PID 1 (the testbed container), found as the system
/// manager by itself, with journald keeping the processes' output.
@Suite(.enabled(if: BootedSystemd.enabled), .serialized) struct BootedSystemManagerTests {
  /// A one-process pool on a free port (not a demo port: no lock needed) started with
  /// `cgipool start` inside the container: the system manager runs it, its port answers from
  /// the host, the journal holds its probe line, and `stop` leaves nothing running.
  @Test func startStatusLogsStopOnTheSystemManager() throws {
    let port = FreePort.next()
    let pool = "cgpsmoke\(String(UInt32.random(in: .min ... .max), radix: 36))"
    try BootedSystemd.with(BootedSystemd.uniqueName("cgp-smoke")) { container in
      let comm = try container.run(["cat", "/proc/1/comm"]).requiringSuccess("reading PID 1's name")
      #expect(comm.stdout == "systemd\n")
      let state = try container.run(["systemctl", "is-system-running"])
      #expect(["running\n", "degraded\n"].contains(state.stdout), "\(state)")

      let cgipool = try container.inside(CgiPoolBinary.executable.path)
      try container.write(
        """
        {"name": "\(pool)", "processes": {"web": {
          "command": ["python3", "-m", "http.server", "--bind", "127.0.0.1", "\(port)"],
          "health_check": {"type": "port", "target": "127.0.0.1:\(port)", "timeout": 20}}}}
        """, to: "/root/smoke/pool.json")

      let start = try container.run([cgipool, "start", "--config", "/root/smoke/pool.json"])
      #expect(start.status == 0, "\(start)")
      #expect(start.stdout.contains("on system manager"), "\(start)")
      #expect(start.stdout.contains("1/1 processes up"), "\(start)")

      let active = try container.run(["systemctl", "is-active", "\(pool)-web.service"])
      #expect(active.stdout == "active\n", "\(active)")
      // Shared network: the process's port answers from the host.
      let curl = try HostCommand.run(["/usr/bin/curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/"])
      #expect(curl.stdout == "200", "\(curl)")

      let status = try container.run([cgipool, "status", "--config", "/root/smoke/pool.json"])
      #expect(status.status == 0, "\(status)")
      #expect(status.stdout.contains("on system manager"), "\(status)")
      #expect(status.stdout.contains("logs: journal"), "\(status)")

      let journal = try container.run(["journalctl", "--no-pager", "-o", "cat", "-u", "\(pool)-web.service"])
      #expect(journal.stdout.contains("port 127.0.0.1:\(port): accepting connections"), "\(journal)")
      let logs = try container.run([cgipool, "logs", "web", "--config", "/root/smoke/pool.json"])
      #expect(logs.stdout.contains("accepting connections"), "\(logs)")

      let stop = try container.run([cgipool, "stop", "--config", "/root/smoke/pool.json"])
      #expect(stop.status == 0, "\(stop)")
      let after = try container.run(["systemctl", "is-active", "\(pool)-web.service"])
      #expect(after.stdout != "active\n", "\(after)")
      // Nothing of the pool is left: its slice's cgroup holds no process.
      let left = try container.shell("cat /sys/fs/cgroup/systemd/\(pool).slice/*/cgroup.procs 2>/dev/null; true")
      #expect(left.stdout.isEmpty, "\(left)")
    }
  }

  /// Issue 13 on the system manager: `systemctl daemon-reexec` while the pool runs leaves its
  /// processes running, supervised, with their PIDs; a reboot drops the transient units (they
  /// live only in the manager's memory), and `cgipool start` builds them again.
  @Test func daemonReexecKeepsThePoolAndStartRebuildsItAfterAReboot() throws {
    let port = FreePort.next()
    let pool = "cgpreexec\(String(UInt32.random(in: .min ... .max), radix: 36))"
    let unit = "\(pool)-web.service"
    try BootedSystemd.with(BootedSystemd.uniqueName("cgp-reexec")) { container in
      let cgipool = try container.inside(CgiPoolBinary.executable.path)
      try container.write(
        """
        {"name": "\(pool)", "processes": {"web": {
          "command": ["python3", "-m", "http.server", "--bind", "127.0.0.1", "\(port)"], "restart_policy": "always",
          "health_check": {"type": "port", "target": "127.0.0.1:\(port)", "timeout": 20}}}}
        """, to: "/root/reexec/pool.json")
      let config = ["--config", "/root/reexec/pool.json"]
      let start = try container.run([cgipool, "start"] + config)
      #expect(start.status == 0, "\(start)")
      let mainPID = { try container.run(["systemctl", "show", "-p", "MainPID", "--value", unit]).stdout }
      let before = try mainPID()
      #expect(before != "0\n" && !before.isEmpty, "\(before)")

      try container.run(["systemctl", "daemon-reexec"]).requiringSuccess("systemctl daemon-reexec")
      // The manager answers again once it has re-executed and deserialized its units.
      let deadline = Date().addingTimeInterval(30)
      while try container.run(["systemctl", "is-active", unit]).stdout != "active\n" && Date() < deadline { usleep(200_000) }
      let status = try container.run([cgipool, "status"] + config)
      #expect(status.status == 0, "the pool stays active across daemon-reexec: \(status)")
      #expect(try mainPID() == before, "the process kept running through the re-exec")
      #expect(try container.run(["systemctl", "show", "-p", "NRestarts", "--value", unit]).stdout == "0\n")
      // Still supervised: a crash is restarted by the re-executed manager.
      try container.run(["systemctl", "kill", "-s", "KILL", unit]).requiringSuccess("systemctl kill")
      let restarted = Date().addingTimeInterval(30)
      while try mainPID() == before || container.run(["systemctl", "is-active", unit]).stdout != "active\n", Date() < restarted {
        usleep(200_000)
      }
      #expect(try container.run(["systemctl", "show", "-p", "NRestarts", "--value", unit]).stdout == "1\n")

      try container.reboot()
      // Transient units live in the manager's memory only: after the reboot the pool is gone.
      let gone = try container.run([cgipool, "status"] + config)
      #expect(gone.status == 3, "\(gone)")
      #expect(try container.run(["systemctl", "is-active", unit]).stdout != "active\n")
      let again = try container.run([cgipool, "start"] + config)
      #expect(again.status == 0, "start rebuilds the transient units after a reboot: \(again)")
      #expect(again.stdout.contains("1/1 processes up"), "\(again)")
      let curl = try HostCommand.run(["/usr/bin/curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/"])
      #expect(curl.stdout == "200", "\(curl)")
      #expect(try container.run([cgipool, "stop"] + config).status == 0)
    }
  }
}
