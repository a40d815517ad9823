import CgiPoolTestSupport
import Foundation
import Testing

/// `cgipool install`/`uninstall` and the generator on a real systemd booted as PID 1 (the
/// testbed container): systemctl and journalctl on the installed units, restarts, reboots.
///
/// `demoPoolInstalledAsUnitFiles` runs the demo pool, whose ports (8080, 8001, 9001, 9002 and
/// their health ports) the container shares with the host, so it takes `.demoPorts`. The other tests use free ports.
@Suite(.enabled(if: BootedSystemd.enabled), .serialized) struct BootedInstallTests {
  static let root = CgiPoolBinary.packageRoot.path

  /// Every path under the folders install and the generator touch (and /var/lib's entries),
  /// so "uninstall leaves nothing" compares listings before and after.
  static func listing(_ box: BootedSystemd) throws -> [String] {
    let run = try box.shell(
      "{ find /etc/systemd /usr/local /etc/cgipool /root/.config /root/.local 2>/dev/null; find /var/lib -maxdepth 1; } | sort")
    return run.stdout.split(separator: "\n").map(String.init)
  }

  /// Polls `condition` every 0.2 s for up to `seconds`.
  static func eventually(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      if try condition() { return true }
      usleep(200_000)
    }
    return try condition()
  }

  /// A one-process pool serving HTTP on `port`, health-checked.
  static func webPool(_ name: String, port: Int) -> String {
    """
    {"name": "\(name)", "processes": {"web": {
      "command": ["python3", "-m", "http.server", "--bind", "127.0.0.1", "\(port)"], "cwd": "/",
      "restart_policy": "always",
      "health_check": {"type": "port", "target": "127.0.0.1:\(port)", "timeout": 20, "interval": 5}}}}
    """
  }

  static func httpStatus(_ port: Int, _ path: String = "/") throws -> String {
    try HostCommand.run(["/usr/bin/curl", "-s", "-m", "5", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)\(path)"]).stdout
  }

  static func token() -> String { String(UInt32.random(in: .min ... .max), radix: 36) }

  @Test(.demoPorts, .orphanScan) func demoPoolInstalledAsUnitFiles() throws {
    try BootedSystemd.with(BootedSystemd.uniqueName("cgp-demo")) { box in
      let cgipool = try box.inside(CgiPoolBinary.executable.path)
      let config = try box.inside(Self.root + "/ops/process_config.json")
      let before = try Self.listing(box)

      let install = try box.run([cgipool, "install", "--config", config])
      #expect(install.status == 0, "\(install)")
      #expect(install.stdout.contains("cgipool.target is enabled (WantedBy=multi-user.target)"), "\(install)")
      #expect(install.stdout.contains("config copy: /var/lib/cgipool/cgipool/config.json"), "\(install)")
      // Probes run the installed binary, never the build tree.
      let unit = try box.run(["systemctl", "cat", "cgipool-proxy.service"]).requiringSuccess("systemctl cat")
      #expect(unit.stdout.contains("ExecStartPost=@\"/usr/local/libexec/cgipool/cgipool\" \"/usr/local/libexec/cgipool/cgipool\" \"probe\""), "\(unit)")
      #expect(!unit.stdout.contains(".build/"), "\(unit)")
      #expect(try box.run(["systemctl", "is-enabled", "cgipool.target"]).stdout == "enabled\n")
      #expect(try box.run(["readlink", "/usr/local/bin/cgipool"]).stdout == "/usr/local/libexec/cgipool/cgipool\n")
      // The shell completions and the man page come with it, where each shell looks.
      let bash = try box.run(["bash", "-c", "source /usr/local/share/bash-completion/completions/cgipool && complete -p cgipool"])
      #expect(bash.status == 0 && bash.stdout.contains("cgipool"), "\(bash)")
      for path in ["/usr/local/share/zsh/site-functions/_cgipool", "/usr/local/share/fish/vendor_completions.d/cgipool.fish"] {
        #expect(try box.run(["test", "-s", path]).status == 0, "\(path) missing")
      }
      #expect(try box.run(["head", "-1", "/usr/local/share/man/man1/cgipool.1"]).stdout.hasPrefix(".TH CGIPOOL 1"))
      // Idempotent: a second install writes nothing.
      let again = try box.run([cgipool, "install", "--config", config])
      #expect(again.status == 0, "\(again)")
      #expect(!again.stdout.contains("  write ") && !again.stdout.contains("  copy "), "\(again)")

      // systemctl starts it; cgipool finds the system manager by itself.
      try box.run(["systemctl", "start", "cgipool.target"]).requiringSuccess("systemctl start cgipool.target")
      let up = try Self.eventually(60) { try box.run(["/usr/local/bin/cgipool", "status", "--config", config]).status == 0 }
      let status = try box.run(["/usr/local/bin/cgipool", "status", "--config", config])
      #expect(up, "\(status)")
      #expect(status.stdout.contains("pool cgipool on system manager"), "\(status)")
      #expect(status.stdout.contains("6/6 active, 1 finished (restart_policy no)"), "\(status)")
      let hello = try HostCommand.run(["/usr/bin/curl", "-s", "-m", "5", "http://127.0.0.1:8080/cgi-bin/hello.cgi?name=booted"])
      #expect(hello.stdout == "Hello, booted!\n", "\(hello)")
      let journal = try box.run(["journalctl", "--no-pager", "-o", "cat", "-u", "cgipool-sample_hello@1.service"])
      #expect(journal.stdout.contains("healthy: http http://127.0.0.1:9101/health: HTTP 200"), "\(journal)")
      #expect(journal.stdout.contains("sample_hello listening on"), "\(journal)")
      // The demo runs `strict` (and its health unit the `default` set): the booted system manager
      // applied the hardening, as the kernel sees it, and the pool still serves (above).
      let hardened = try box.run([
        "systemctl", "show", "-p", "ProtectSystem", "-p", "NoNewPrivileges", "-p", "PrivateUsers", "-p", "ProtectProc",
        "-p", "CapabilityBoundingSet", "cgipool-sample_hello@1.service",
      ])
      #expect(hardened.stdout.contains("ProtectSystem=strict\n"), "\(hardened)")
      #expect(hardened.stdout.contains("NoNewPrivileges=yes\n"), "\(hardened)")
      #expect(hardened.stdout.contains("PrivateUsers=yes\n"), "\(hardened)")
      #expect(hardened.stdout.contains("ProtectProc=invisible\n"), "\(hardened)")
      #expect(hardened.stdout.contains("CapabilityBoundingSet=\n"), "\(hardened)")
      let helloPID = try box.run(["systemctl", "show", "-P", "MainPID", "cgipool-sample_hello@1.service"]).stdout
        .trimmingCharacters(in: .whitespacesAndNewlines)
      let kernel = try box.shell("grep -E '^(NoNewPrivs|Seccomp|CapBnd|CapEff):' /proc/\(helloPID)/status")
      #expect(kernel.stdout.contains("NoNewPrivs:\t1"), "\(kernel)")
      #expect(kernel.stdout.contains("Seccomp:\t2"), "\(kernel)")
      #expect(kernel.stdout.contains("CapEff:\t0000000000000000"), "\(kernel)")
      let health = try box.run(["systemctl", "show", "-p", "CapabilityBoundingSet", "-p", "ProtectSystem", "-p", "ActiveState", "cgipool.health.service"])
      #expect(health.stdout.contains("CapabilityBoundingSet=cap_kill\n"), "\(health)")
      #expect(health.stdout.contains("ProtectSystem=full\n"), "\(health)")
      #expect(health.stdout.contains("ActiveState=active\n"), "\(health)")
      // `cgipool start` uses the installed units and says so.
      let start = try box.run([cgipool, "start", "--config", config])
      #expect(start.status == 0, "\(start)")
      #expect(start.stdout.contains("using the installed units (/etc/systemd/system/cgipool.target)"), "\(start)")
      #expect(start.stdout.contains("running    proxy (already running)") || start.stdout.contains("already running"), "\(start)")

      // kill -9 of the proxy (restart_policy always): systemd restarts it.
      let pid = try box.run(["systemctl", "show", "-P", "MainPID", "cgipool-proxy.service"]).stdout
        .trimmingCharacters(in: .whitespacesAndNewlines)
      #expect(Int(pid) ?? 0 > 0)
      try box.run(["kill", "-9", pid]).requiringSuccess("kill -9 \(pid)")
      let restarted = try Self.eventually(30) {
        let fields = try ["NRestarts", "ActiveState", "MainPID"].map { property in
          try box.run(["systemctl", "show", "-P", property, "cgipool-proxy.service"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return fields == ["1", "active", fields[2]] && fields[2] != pid && fields[2] != "0"
      }
      #expect(restarted)

      // Reboot: the pool is up again with no command run.
      try box.reboot()
      let upAfterBoot = try Self.eventually(60) { try box.run(["/usr/local/bin/cgipool", "status", "--config", config]).status == 0 }
      let statusAfterBoot = try box.run(["/usr/local/bin/cgipool", "status", "--config", config])
      #expect(upAfterBoot, "\(statusAfterBoot)")
      #expect(try Self.httpStatus(8080, "/health") == "200")

      // systemctl on the pool's target: restart brings every process back (new PIDs, in order,
      // health-gated), stop ends them all, start brings them up again.
      let proxyPID = { try box.run(["systemctl", "show", "-P", "MainPID", "cgipool-proxy.service"]).stdout }
      let beforeRestart = try proxyPID()
      try box.run(["systemctl", "restart", "cgipool.target"]).requiringSuccess("systemctl restart cgipool.target")
      #expect(try Self.eventually(60) { try box.run(["/usr/local/bin/cgipool", "status", "--config", config]).status == 0 })
      #expect(try proxyPID() != beforeRestart)
      try box.run(["systemctl", "stop", "cgipool.target"]).requiringSuccess("systemctl stop cgipool.target")
      #expect(try box.run(["/usr/local/bin/cgipool", "status", "--config", config]).status == 3)
      // `systemctl stop` waits for the target's own stop job; its sockets' stop jobs (ordered after
      // their services) may still run for a moment, so "nothing answers" is waited for.
      var answer = ""
      let quiet = try Self.eventually(10) {
        answer = try Self.httpStatus(8080)
        return answer == "000"
      }
      let sockets = try box.run(["systemctl", "list-units", "--all", "--plain", "--no-legend", "cgipool*.socket"])
      #expect(quiet, "port 8080 still answers \(answer) after systemctl stop cgipool.target: \(sockets)")
      try box.run(["systemctl", "start", "cgipool.target"]).requiringSuccess("systemctl start cgipool.target")
      #expect(try Self.eventually(60) { try box.run(["/usr/local/bin/cgipool", "status", "--config", config]).status == 0 })
      let targetStatus = try box.run(["systemctl", "status", "--no-pager", "cgipool.target"])
      #expect(targetStatus.stdout.contains("Active: active"), "\(targetStatus)")

      // Uninstall leaves no file, no unit and no process behind.
      let uninstall = try box.run([cgipool, "uninstall", "--config", config])
      #expect(uninstall.status == 0, "\(uninstall)")
      #expect(try Self.listing(box) == before)
      let units = try box.run(["systemctl", "list-units", "--all", "--plain", "--no-legend", "cgipool*"])
      #expect(units.stdout.isEmpty, "\(units)")
      let left = try box.shell("cat /sys/fs/cgroup/systemd/cgipool.slice/cgroup.procs /sys/fs/cgroup/systemd/cgipool.slice/*/cgroup.procs 2>/dev/null; true")
      #expect(left.stdout.isEmpty, "\(left)")
      #expect(try Self.httpStatus(8080) == "000")
    }
  }

  /// The operator layer on a booted host: `ops/startup.sh`, `make status` and `make stop` drive
  /// the demo pool on the system manager, as they do on the private one.
  @Test(.demoPorts, .orphanScan) func opsScriptsAndMakeOnTheSystemManager() throws {
    try BootedSystemd.with(BootedSystemd.uniqueName("cgp-ops")) { box in
      let root = try box.inside(Self.root)
      let cgipool = try box.inside(CgiPoolBinary.executable.path)
      let make = ["make", "--no-print-directory", "-C", root, "CGIPOOL=\(cgipool)"]

      let startup = try box.run(["env", "CGIPOOL=\(cgipool)", "CGI_POOL_CLEANUP=yes", root + "/ops/startup.sh", "--no-build", "--no-monitor"])
      #expect(startup.status == 0, "\(startup)")
      #expect(startup.stdout.contains("on system manager"), "\(startup)")
      #expect(startup.stdout.contains("7/7 processes up"), "\(startup)")
      let hello = try HostCommand.run(["/usr/bin/curl", "-s", "-m", "5", "http://127.0.0.1:8080/cgi-bin/hello.cgi?name=ops"])
      #expect(hello.stdout == "Hello, ops!\n", "\(hello)")
      let status = try box.run(make + ["status"])
      #expect(status.status == 0, "\(status)")
      #expect(status.stdout.contains("pool cgipool on system manager"), "\(status)")
      #expect(status.stdout.contains("6/6 active, 1 finished (restart_policy no)"), "\(status)")
      let journal = try box.run(["journalctl", "--no-pager", "-o", "cat", "-u", "cgipool-proxy.service"])
      #expect(journal.stdout.contains("healthy: http"), "\(journal)")

      let stop = try box.run(make + ["stop"])
      #expect(stop.status == 0, "\(stop)")
      #expect(stop.stdout.contains("nothing of pool cgipool is left running"), "\(stop)")
      #expect(try box.run(make + ["status"]).status != 0)
      #expect(try Self.httpStatus(8080) == "000")

      let left = try box.shell("cat /sys/fs/cgroup/systemd/cgipool.slice/*/cgroup.procs 2>/dev/null; true")
      #expect(left.stdout.isEmpty, "\(left)")
    }
  }

  @Test func generatorWithValidAndInvalidConfigsAcrossReboot() throws {
    let port = FreePort.next()
    let pool = "gen" + Self.token()
    try BootedSystemd.with(BootedSystemd.uniqueName("cgp-gen")) { box in
      let cgipool = try box.inside(CgiPoolBinary.executable.path)
      let before = try Self.listing(box)
      let install = try box.run([cgipool, "install", "--generator"])
      #expect(install.status == 0, "\(install)")
      #expect(try box.run(["test", "-x", "/etc/systemd/system-generators/cgipool"]).status == 0)

      // A config dropped into /etc/cgipool plus daemon-reload gives the units.
      try box.write(Self.webPool(pool, port: port), to: "/etc/cgipool/\(pool).json")
      try box.run(["systemctl", "daemon-reload"]).requiringSuccess("daemon-reload")
      let fragment = try box.run(["systemctl", "show", "-P", "FragmentPath", "\(pool)-web.service"])
      #expect(fragment.stdout == "/run/systemd/generator/\(pool)-web.service\n", "\(fragment)")
      try box.run(["systemctl", "start", "\(pool).target"]).requiringSuccess("start")
      #expect(try Self.eventually(30) { try Self.httpStatus(port) == "200" })

      // An invalid config beside it, then a reboot: the boot finishes, the valid pool is up,
      // the invalid one's diagnostics are in the journal of this boot.
      let invalid = try String(contentsOf: CgiPoolBinary.fixtures.appendingPathComponent("invalid.json"), encoding: .utf8)
      try box.write(invalid, to: "/etc/cgipool/broken.json")
      try box.reboot()
      let state = try box.run(["systemctl", "is-system-running"]).stdout
      #expect(["running\n", "degraded\n"].contains(state), "\(state)")
      #expect(try Self.eventually(30) { try box.run(["systemctl", "is-active", "\(pool)-web.service"]).stdout == "active\n" })
      #expect(try Self.httpStatus(port) == "200")
      #expect(try Self.eventually(10) {
        try box.run(["journalctl", "-b", "--no-pager", "-o", "cat"]).stdout.contains("12 errors in /etc/cgipool/broken.json")
      })
      let journal = try box.run(["journalctl", "-b", "--no-pager", "-o", "cat"]).stdout
      #expect(journal.contains("error: /etc/cgipool/broken.json: processes.yarp_proxy.restart_polcy: unknown key \"restart_polcy\""))
      let failed = try box.run(["systemctl", "--failed", "--plain", "--no-legend"])
      #expect(failed.stdout.contains("cgipool-config-broken.service"), "\(failed)")

      // Installed through the generator: installing as unit files is refused.
      let other = try box.run([cgipool, "install", "--config", "/etc/cgipool/\(pool).json"])
      #expect(other.status == 1, "\(other)")
      #expect(other.stderr.contains("installed through the generator"), "\(other)")
      // The generator stays while a pool is left.
      let early = try box.run([cgipool, "uninstall", "--generator"])
      #expect(early.status == 1 && early.stderr.contains("still has pools"), "\(early)")

      try box.run([cgipool, "uninstall", "--pool", pool]).requiringSuccess("uninstall --pool")
      #expect(try Self.httpStatus(port) == "000")
      try box.run(["rm", "/etc/cgipool/broken.json"]).requiringSuccess("rm")
      let removal = try box.run([cgipool, "uninstall", "--generator"])
      #expect(removal.status == 0, "\(removal)")
      #expect(try Self.listing(box) == before)
      let units = try box.run(["systemctl", "list-units", "--all", "--plain", "--no-legend", "\(pool)*", "cgipool*"])
      #expect(units.stdout.isEmpty, "\(units)")
    }
  }

  @Test func installRefusesForeignFilesForcesAndStartsWithNow() throws {
    let port = FreePort.next()
    let pool = "inst" + Self.token()
    try BootedSystemd.with(BootedSystemd.uniqueName("cgp-inst")) { box in
      let cgipool = try box.inside(CgiPoolBinary.executable.path)
      let before = try Self.listing(box)
      try box.write(Self.webPool(pool, port: port), to: "/root/pool/pool.json")
      try box.write("# not cgipool's\n", to: "/etc/systemd/system/\(pool)-web.service")

      let refused = try box.run([cgipool, "install", "--config", "/root/pool/pool.json"])
      #expect(refused.status == 1, "\(refused)")
      #expect(refused.stderr.contains("not overwriting files cgipool did not write: /etc/systemd/system/\(pool)-web.service"), "\(refused)")
      #expect(try box.run(["test", "-e", "/var/lib/cgipool"]).status != 0, "a refused install wrote something")

      let dry = try box.run([cgipool, "install", "--dry-run", "--force", "--config", "/root/pool/pool.json"])
      #expect(dry.status == 0 && dry.stdout.contains("  write /etc/systemd/system/\(pool)-web.service"), "\(dry)")
      #expect(try box.run(["test", "-e", "/var/lib/cgipool"]).status != 0, "--dry-run wrote something")

      let forced = try box.run([cgipool, "install", "--force", "--now", "--config", "/root/pool/pool.json"])
      #expect(forced.status == 0, "\(forced)")
      #expect(forced.stdout.contains("using the installed units"), "\(forced)")
      #expect(forced.stdout.contains("1/1 processes up"), "\(forced)")
      #expect(try Self.httpStatus(port) == "200")
      // The same again changes nothing and finds the pool running.
      let again = try box.run([cgipool, "install", "--now", "--config", "/root/pool/pool.json"])
      #expect(again.status == 0 && again.stdout.contains("already running"), "\(again)")
      #expect(!again.stdout.contains("  write "), "\(again)")
      // The config copy has absolute paths and is what the units were made from.
      let copy = try box.run(["cat", "/var/lib/cgipool/\(pool)/config.json"]).stdout
      #expect(copy.contains("\"cwd\": \"/\""), "\(copy)")

      // The other way is refused for an installed pool.
      let generator = try box.run([cgipool, "install", "--generator", "--config", "/root/pool/pool.json"])
      #expect(generator.status == 1 && generator.stderr.contains("installed as unit files"), "\(generator)")

      try box.run([cgipool, "uninstall", "--pool", pool]).requiringSuccess("uninstall")
      try box.run(["rm", "-r", "/root/pool"]).requiringSuccess("rm")
      #expect(try Self.listing(box) == before)
      #expect(try Self.httpStatus(port) == "000")
    }
  }
}
