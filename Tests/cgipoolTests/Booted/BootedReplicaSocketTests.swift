import CgiPoolTestSupport
import Foundation
import Testing

/// Replicas behind held sockets from the generator, on a real systemd booted as PID 1: the
/// instances' and sockets' units come from `/run/systemd/generator`, the kernel spreads
/// connections over the instances, a restarted instance's socket keeps the port, and a reboot
/// brings it all back.
@Suite(.enabled(if: BootedSystemd.enabled), .serialized) struct BootedReplicaSocketTests {
  /// Serves `replica N` over HTTP on the socket systemd passes as fd 3 (`LISTEN_FDS`).
  static let server = """
    import http.server, os, socket
    assert os.environ.get("LISTEN_FDS") == "1", "no socket from systemd"
    class Answer(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = ("replica " + os.environ["CGIPOOL_REPLICA"]).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        def log_message(self, *args):
            pass
    server = http.server.HTTPServer(("127.0.0.1", 0), Answer, bind_and_activate=False)
    server.socket = socket.socket(fileno=3)
    server.serve_forever()
    """

  static func pool(_ name: String, port: Int) -> String {
    """
    {"name": "\(name)", "processes": {"web": {
      "command": ["python3", "/var/lib/\(name)/serve.py"], "cwd": "/var/lib/\(name)", "replicas": 2,
      "listen": "127.0.0.1:\(port)", "restart_policy": "always"}}}
    """
  }

  /// The replicas that answered `count` requests, each on a new connection (a new source port).
  static func answers(_ port: Int, count: Int = 24) throws -> Set<String> {
    var seen = Set<String>()
    for _ in 0..<count {
      let body = try HostCommand.run(["/usr/bin/curl", "-s", "-m", "5", "http://127.0.0.1:\(port)/"]).stdout
      seen.insert(body)
    }
    return seen
  }

  @Test func replicasBehindHeldSocketsFromTheGeneratorAcrossARestartAndAReboot() throws {
    let port = FreePort.next()
    let pool = "rs" + String(UInt32.random(in: .min ... .max), radix: 36)
    try BootedSystemd.with(BootedSystemd.uniqueName("cgp-repsock")) { box in
      let cgipool = try box.inside(CgiPoolBinary.executable.path)
      try box.run([cgipool, "install", "--generator"]).requiringSuccess("install --generator")
      // /var persists across the testbed's reboot (/srv would be a fresh tmpfs).
      try box.write(Self.server, to: "/var/lib/\(pool)/serve.py")
      try box.write(Self.pool(pool, port: port), to: "/etc/cgipool/\(pool).json")
      try box.run(["systemctl", "daemon-reload"]).requiringSuccess("daemon-reload")
      for unit in ["\(pool)-web@1.service", "\(pool)-web@2.service", "\(pool)-web@1.socket", "\(pool)-web@2.socket"] {
        let fragment = try box.run(["systemctl", "show", "-P", "FragmentPath", unit]).stdout
        #expect(fragment == "/run/systemd/generator/\(unit)\n", "\(unit): \(fragment)")
      }
      let socket = try box.run(["systemctl", "show", "-p", "Listen", "-p", "ReusePort", "\(pool)-web@2.socket"]).stdout
      #expect(socket.contains("Listen=127.0.0.1:\(port) (Stream)") && socket.contains("ReusePort=yes"), "\(socket)")

      try box.run(["systemctl", "start", "\(pool).target"]).requiringSuccess("start")
      #expect(try BootedInstallTests.eventually(30) { try !Self.answers(port, count: 1).isDisjoint(with: ["replica 1", "replica 2"]) })
      #expect(try Self.answers(port) == ["replica 1", "replica 2"], "the kernel spreads connections over both instances")

      // A restarted instance's socket stays bound: every request is answered meanwhile, by the
      // other instance or, once it is back, by the restarted one.
      let before = try box.run(["systemctl", "show", "-P", "MainPID", "\(pool)-web@1.service"]).stdout
      try box.run(["systemctl", "restart", "\(pool)-web@1.service"]).requiringSuccess("restart web@1")
      #expect(try Self.answers(port).isSubset(of: ["replica 1", "replica 2"]))
      let after = try box.run(["systemctl", "show", "-P", "MainPID", "\(pool)-web@1.service"]).stdout
      #expect(after != before && after != "0\n", "web@1 runs a new process: \(before) -> \(after)")
      #expect(try box.run(["systemctl", "is-active", "\(pool)-web@1.socket"]).stdout == "active\n")

      // After a reboot the generator makes the units again and the target starts them.
      try box.reboot()
      let up = try BootedInstallTests.eventually(30) {
        try box.run(["systemctl", "is-active", "\(pool)-web@1.service", "\(pool)-web@2.service"]).stdout == "active\nactive\n"
      }
      let units = try box.run(["systemctl", "status", "--no-pager", "\(pool)-web@1.service", "\(pool)-web@1.socket"])
      #expect(up, "\(units)")
      #expect(try Self.answers(port) == ["replica 1", "replica 2"])

      try box.run([cgipool, "uninstall", "--pool", pool]).requiringSuccess("uninstall --pool")
      #expect(try HostCommand.run(["/usr/bin/curl", "-s", "-m", "5", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/"]).stdout == "000")
    }
  }
}
