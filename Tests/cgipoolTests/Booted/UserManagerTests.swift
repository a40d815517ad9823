import CgiPoolTestSupport
import Foundation
import Testing

/// The sandbox under an ordinary user's own manager (`systemd --user` of uid 1018, started by
/// linger on systemd 252 booted as PID 1 in the testbed container): which settings it applies,
/// read back from systemd and from the processes themselves.
///
/// Measured there: `CapabilityBoundingSet=` fails the start (218/CAPABILITIES), so does
/// `PrivateDevices=` without `PrivateUsers=`, `ProtectKernelLogs=` fails even with it
/// (226/NAMESPACE), and `ProtectSystem=`/`ProtectHome=` without `PrivateUsers=` are accepted but
/// not applied. cgipool compiles for such a manager accordingly (`SandboxMapper`).
@Suite(.enabled(if: BootedSystemd.enabled), .serialized) struct UserManagerTests {
  static let uid = 1018

  /// Each process records its kernel status, its user namespace, and whether it could write the
  /// home folder (outside its sandbox) and its working directory.
  static func probe(_ name: String, into folder: String) -> String {
    "grep -E '^(NoNewPrivs|Seccomp|CapEff):' /proc/self/status > \(folder)/status-\(name); "
      + "readlink /proc/self/ns/user >> \(folder)/status-\(name); "
      + "if touch /home/u18/outside-\(name) 2>/dev/null; then echo wrote; else echo refused; fi > \(folder)/home-\(name); "
      + "if touch cwd-\(name) 2>/dev/null; then echo wrote; else echo refused; fi > \(folder)/cwd-\(name); exec sleep 300"
  }

  static let config = """
    {"name": "i18u", "processes": {
      "standard": {"command": ["/bin/sh", "-c", \(quote(probe("standard", into: ".")))], "cwd": "work"},
      "jail": {"command": ["/bin/sh", "-c", \(quote(probe("jail", into: "out")))], "cwd": "work",
        "sandbox": {"level": "strict", "writable": ["work/out"]}},
      "open": {"command": ["/bin/sh", "-c", \(quote(probe("open", into: ".")))], "cwd": "work", "sandbox": "none"}
    }}
    """

  static func quote(_ text: String) -> String {
    let data = try! JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])
    return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
  }

  /// Boots a testbed container with a lingering user (uid 1018, home /home/u18 with `work/out`)
  /// whose own manager runs; `body` gets the container, the cgipool binary inside it, and a
  /// runner of commands as that user.
  static func withUserManager(
    _ name: String, _ body: (BootedSystemd, String, ([String]) throws -> BootedSystemd.Run) throws -> Void
  ) throws {
    // The container's /etc starts empty: PAM (user@.service logs in through systemd-user) comes
    // from the host's configuration, the user is written by hand.
    try BootedSystemd.with(BootedSystemd.uniqueName(name), extraBinds: ["/etc/pam.d:/cgipool-pam"]) { box in
      let cgipool = try box.inside(CgiPoolBinary.executable.path)
      _ = try box.shell(
        """
        cp -r /cgipool-pam /etc/pam.d
        printf 'account required pam_permit.so\\nsession required pam_permit.so\\nsession optional pam_systemd.so\\n' > /etc/pam.d/systemd-user
        printf 'root:x:0:0:root:/root:/bin/bash\\nu18:x:\(Self.uid):\(Self.uid)::/home/u18:/bin/bash\\n' > /etc/passwd
        printf 'root:x:0:\\nu18:x:\(Self.uid):\\n' > /etc/group
        mkdir -p /home/u18/work/out
        chown -R u18:u18 /home/u18
        loginctl enable-linger u18
        for i in $(seq 100); do systemctl is-active -q user@\(Self.uid).service && exit 0; sleep 0.2; done
        systemctl status user@\(Self.uid).service; exit 1
        """
      ).requiringSuccess("a lingering user's manager")
      func asUser(_ argv: [String]) throws -> BootedSystemd.Run {
        try box.run(
          ["setpriv", "--reuid=\(Self.uid)", "--regid=\(Self.uid)", "--clear-groups", "env", "HOME=/home/u18",
           "XDG_RUNTIME_DIR=/run/user/\(Self.uid)"] + argv)
      }
      try body(box, cgipool, asUser)
    }
  }

  @Test func aUsersOwnManagerRunsTheSandboxedPoolAndAppliesWhatItSays() throws {
    try Self.withUserManager("i18-user") { box, cgipool, asUser in
      try box.write(Self.config, to: "/home/u18/pool.json")
      let start = try asUser([cgipool, "start", "--user", "--config", "/home/u18/pool.json"])
      #expect(start.status == 0, "\(start)")
      #expect(start.stdout.contains("on user manager"), "\(start)")
      func record(_ path: String) throws -> String {
        try box.shell("cat /home/u18/work/\(path) 2>/dev/null").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
      }
      let names = ["standard": "", "jail": "out/", "open": ""]
      let recorded = try BootedInstallTests.eventually(20) {
        try names.allSatisfy { name, folder in !(try record(folder + "cwd-" + name)).isEmpty }
      }
      #expect(recorded, "every process recorded what it could do")
      // Both sandboxed levels: no new privileges, a seccomp filter of their own, a user
      // namespace of their own (PrivateUsers=), and the home folder read-only.
      for name in ["standard", "jail"] {
        let folder = names[name]!
        let status = try record(folder + "status-" + name)
        #expect(status.contains("NoNewPrivs:\t1"), "\(name): \(status)")
        #expect(status.contains("CapEff:\t0000000000000000"), "\(name): \(status)")
        #expect(try record(folder + "home-" + name) == "refused", "\(name): ProtectHome=read-only applied")
        let shown = try asUser([
          "systemctl", "--user", "show", "-p", "ActiveState", "-p", "PrivateUsers", "-p", "NoNewPrivileges",
          "-p", "ProtectHome", "i18u-\(name).service",
        ])
        #expect(shown.stdout.contains("ActiveState=active\n"), "\(name): \(shown)")
        #expect(shown.stdout.contains("PrivateUsers=yes\n"), "\(name): \(shown)")
        #expect(shown.stdout.contains("ProtectHome=read-only\n"), "\(name): \(shown)")
      }
      #expect(try record("cwd-standard") == "wrote", "default: the working directory stays writable")
      #expect(try record("out/cwd-jail") == "refused", "strict: only the declared writable path is")
      // `none` adds nothing: the home folder is writable, no user namespace of its own.
      #expect(try record("home-open") == "wrote")
      let userNamespace = { (name: String, folder: String) throws -> String in
        try record(folder + "status-" + name).split(separator: "\n").last.map(String.init) ?? ""
      }
      let openNamespace = try userNamespace("open", "")
      let standardNamespace = try userNamespace("standard", "")
      #expect(!openNamespace.isEmpty && openNamespace != standardNamespace, "\(openNamespace) vs \(standardNamespace)")
      let stop = try asUser([cgipool, "stop", "--user", "--config", "/home/u18/pool.json"])
      #expect(stop.status == 0, "\(stop)")
      #expect(stop.stdout.contains("nothing of the pool is left running"), "\(stop)")
    }
  }

  /// Liveness under a user's own manager: the pool's health unit runs there (not on the system
  /// bus), and a process that keeps running but stops answering its port is killed at the
  /// threshold and restarted by systemd; killing the health unit itself is survived.
  @Test func livenessRestartsAProcessThatStopsAnsweringUnderAUsersManager() throws {
    let port = FreePort.next()
    // Listens until a file `close` appears in its folder, then closes the port and goes on running.
    let server = """
      import os, socket, time
      s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
      s.bind(("127.0.0.1", \(port))); s.listen(16); s.settimeout(0.1)
      while True:
          if s and os.path.exists("close"):
              os.remove("close"); s.close(); s = None
          if s:
              try: s.accept()[0].close()
              except socket.timeout: pass
          else:
              time.sleep(0.1)
      """
    let config = """
      {"name": "i17u", "processes": {"web": {"command": ["python3", "-c", \(Self.quote(server))], "cwd": "work",
        "restart_policy": "always",
        "health_check": {"type": "port", "target": "127.0.0.1:\(port)", "timeout": 10, "interval": 1, "failure_threshold": 2}}}}
      """
    try Self.withUserManager("i17-live") { box, cgipool, asUser in
      try box.write(config, to: "/home/u18/live.json")
      let start = try asUser([cgipool, "start", "--user", "--config", "/home/u18/live.json"])
      #expect(start.status == 0, "\(start)")
      func show(_ unit: String, _ property: String) throws -> String {
        try asUser(["systemctl", "--user", "show", "-p", property, "--value", unit]).stdout
          .trimmingCharacters(in: .whitespacesAndNewlines)
      }
      #expect(try BootedInstallTests.eventually(20) { try show("i17u.health.service", "ActiveState") == "active" })
      let firstPID = try show("i17u-web.service", "MainPID")
      #expect(try show("i17u-web.service", "NRestarts") == "0")

      // The port closes, the process runs on: the health unit kills it, systemd restarts it.
      _ = try asUser(["touch", "/home/u18/work/close"])
      let restarted = try BootedInstallTests.eventually(30) {
        let count = try show("i17u-web.service", "NRestarts")
        return try count == "1" && show("i17u-web.service", "ActiveState") == "active"
      }
      let restarts = try show("i17u-web.service", "NRestarts")
      #expect(restarted, "\(restarts) restarts")
      #expect(try show("i17u-web.service", "MainPID") != firstPID)
      let status = try asUser([cgipool, "status", "--user", "--config", "/home/u18/live.json"])
      #expect(status.stdout.contains("healthy"), "\(status)")

      // The checker itself killed: its manager restarts it, and checking goes on.
      let checker = try show("i17u.health.service", "MainPID")
      _ = try asUser(["kill", "-9", checker])
      #expect(try BootedInstallTests.eventually(20) {
        let now = try show("i17u.health.service", "MainPID")
        let state = try show("i17u.health.service", "ActiveState")
        return now != checker && now != "0" && state == "active"
      })
      _ = try asUser(["touch", "/home/u18/work/close"])
      #expect(try BootedInstallTests.eventually(30) { try show("i17u-web.service", "NRestarts") == "2" })

      let stop = try asUser([cgipool, "stop", "--user", "--config", "/home/u18/live.json"])
      #expect(stop.status == 0, "\(stop)")
      #expect(stop.stdout.contains("nothing of the pool is left running"), "\(stop)")
    }
  }
}
