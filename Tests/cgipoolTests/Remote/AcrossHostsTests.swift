import CgiPoolTestSupport
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A pool across three booted containers (real systemd as PID 1 in each), reached the way a user
/// reaches real machines: `sd_bus_open_system_remote` over ssh to an sshd in each container, on
/// its own loopback port (the containers share the host's network; traffic stays on 127.0.0.1).
/// The ssh key, known_hosts and an `ssh` wrapper first on PATH are made here and removed after.
@Suite(.enabled(if: BootedSystemd.enabled), .serialized)
struct AcrossHostsTests {
  @Test("Three hosts: start gated across hosts, status shows all three, an unreachable host is reported, stop leaves nothing")
  func threeHostPool() throws {
    try #require(
      BootedSystemd.checkoutInside == BootedSystemd.packageRoot,
      "remote hosts need the checkout at the same path (the config, cwd and probe binary); it is under a path the testbed cannot bind")
    let hosts = try RemoteTestHosts()
    defer { hosts.tearDown() }
    try BootedSystemd.with(BootedSystemd.uniqueName("i16-a")) { a in
      try BootedSystemd.with(BootedSystemd.uniqueName("i16-b")) { b in
        try BootedSystemd.with(BootedSystemd.uniqueName("i16-c")) { c in
          for box in [a, b, c] { try hosts.startSSHD(box) }
          try threeHostPool(hosts: hosts, boxes: [a, b, c])
        }
      }
    }
  }

  func threeHostPool(hosts: RemoteTestHosts, boxes: [BootedSystemd]) throws {
    let names = boxes.map(\.name)
    let managerPort = FreePort.next()
    let pool = "i16t\(String(getpid(), radix: 36))"
    // The manager opens its port only after 1 s, so a worker that did not wait would start first.
    let config = """
      {"name": "\(pool)",
       "hosts": {"a": "root@127.0.0.1:\(hosts.ports[names[0]]!)", "b": "root@127.0.0.1:\(hosts.ports[names[1]]!)",
                 "c": "root@127.0.0.1:\(hosts.ports[names[2]]!)"},
       "processes": {
         "manager": {"host": "a", "command": ["/bin/sh", "-c", "sleep 1; exec /usr/bin/python3 -m http.server --bind 127.0.0.1 \(managerPort)"],
                     "restart_policy": "always", "health_check": {"type": "port", "target": "\(managerPort)", "timeout": 20}},
         "worker1": {"host": "b", "command": ["/usr/bin/sleep", "600"], "depends_on": ["manager"]},
         "worker2": {"host": "c", "command": ["/usr/bin/sleep", "600"], "depends_on": ["manager"]}
       }}
      """
    let configPath = hosts.scratch.appendingPathComponent("pool.json").path
    try config.write(toFile: configPath, atomically: true, encoding: .utf8)

    let start = try CgiPoolBinary.run(["start", "--config", configPath], environment: hosts.environment, timeout: 120)
    #expect(start.status == 0, "\(start)")
    #expect(start.stdout.contains("3/3 processes up"), "\(start)")
    // The gate, as systemd saw it: both workers were forked after the manager became active
    // (the containers share the kernel, so their monotonic clocks compare).
    func monotonic(_ container: String, _ unit: String, _ property: String) throws -> UInt64 {
      let text = try hosts.exec(boxes[names.firstIndex(of: container)!], ["systemctl", "show", "--value", "-p", property, unit])
      return try #require(UInt64(text.trimmingCharacters(in: .whitespacesAndNewlines)), "\(property) of \(unit): \(text)")
    }
    let managerActive = try monotonic(names[0], "\(pool)-manager.service", "ActiveEnterTimestampMonotonic")
    for (container, worker) in [(names[1], "worker1"), (names[2], "worker2")] {
      let forked = try monotonic(container, "\(pool)-\(worker).service", "ExecMainStartTimestampMonotonic")
      #expect(forked >= managerActive, "\(worker) forked at \(forked), before the manager was active at \(managerActive)")
    }

    // plan and apply across hosts: nothing to apply, then worker1's command changes and only it
    // (on host b) gets a new process; the manager on a and worker2 on c keep theirs.
    let calm = try CgiPoolBinary.run(["plan", "--config", configPath], environment: hosts.environment, timeout: 120)
    #expect(calm.status == 0, "\(calm)")
    for host in ["a", "b", "c"] { #expect(calm.stdout.contains("== host \(host)"), "\(calm)") }
    func mainPID(_ container: String, _ unit: String) throws -> String {
      try hosts.exec(boxes[names.firstIndex(of: container)!], ["systemctl", "show", "--value", "-p", "MainPID", unit])
    }
    let before = try [(names[0], "manager"), (names[1], "worker1"), (names[2], "worker2")].map { try mainPID($0.0, "\(pool)-\($0.1).service") }
    let worker1 = #""worker1": {"host": "b", "command": ["/usr/bin/sleep", "600"]"#
    #expect(config.contains(worker1))
    try config.replacingOccurrences(of: worker1, with: worker1.replacingOccurrences(of: "600", with: "601"))
      .write(toFile: configPath, atomically: true, encoding: .utf8)
    let acrossPlan = try CgiPoolBinary.run(["plan", "--config", configPath, "--json"], environment: hosts.environment, timeout: 120)
    #expect(acrossPlan.status == 2, "\(acrossPlan)")
    let planned = try #require(try JSONSerialization.jsonObject(with: Data(acrossPlan.stdout.utf8)) as? [String: Any], "\(acrossPlan)")
    let perHost = (planned["hosts"] as? [[String: Any]] ?? []).map { entry -> (String, [String]) in
      let processes = ((entry["plan"] as? [String: Any])?["processes"] as? [[String: Any]]) ?? []
      return (entry["host"] as? String ?? "?", processes.filter { $0["action"] as? String == "change" }.compactMap { $0["process"] as? String })
    }
    #expect(perHost.map(\.0) == ["a", "b", "c"] && perHost.map(\.1) == [[], ["worker1"], []], "\(acrossPlan)")
    let applied = try CgiPoolBinary.run(["apply", "--config", configPath], environment: hosts.environment, timeout: 120)
    #expect(applied.status == 0, "\(applied)")
    #expect(applied.stdout.contains("[b] applied"), "\(applied)")
    let after = try [(names[0], "manager"), (names[1], "worker1"), (names[2], "worker2")].map { try mainPID($0.0, "\(pool)-\($0.1).service") }
    #expect(after[0] == before[0] && after[2] == before[2], "only worker1 restarts: \(before) -> \(after)")
    #expect(after[1] != before[1] && after[1] != "0\n", "worker1 restarted: \(before) -> \(after)")
    let settledAcross = try CgiPoolBinary.run(["plan", "--config", configPath], environment: hosts.environment, timeout: 120)
    #expect(settledAcross.status == 0, "\(settledAcross)")

    // One host at a time: --host on status, and logs over plain ssh (cgipool runs there).
    let hostA = "root@127.0.0.1:\(hosts.ports[names[0]]!)"
    let single = try CgiPoolBinary.run(["status", "--config", configPath, "--host", hostA, "manager"], environment: hosts.environment)
    #expect(single.status == 64, "a config with hosts says where each process runs: \(single)")
    let logs = try CgiPoolBinary.run(["logs", "--config", configPath, "--host", hostA, "manager", "-n", "20"], environment: hosts.environment)
    #expect(logs.status == 0, "\(logs)")
    #expect(logs.stdout.contains("healthy: port 127.0.0.1:\(managerPort)"), "the readiness probe's line, from host a's journal: \(logs)")

    // A one-machine config driven on host a with --host: start, status, plan, apply, stop. Its
    // env file exists only in host a's own /etc, so plan sees it edited only by asking there.
    let soloPath = hosts.scratch.appendingPathComponent("solo.json").path
    let envFile = "/etc/\(pool)-solo.env"
    let solo = { (x: String) in
      #"{"name": "\#(pool)s", "processes": {"solo": {"command": ["/usr/bin/sleep", "600"], "env": {"X": "\#(x)"}, "env_file": "-\#(envFile)"}}}"#
    }
    try solo("1").write(toFile: soloPath, atomically: true, encoding: .utf8)
    try hosts.exec(boxes[0], ["/bin/sh", "-c", "echo Y=1 > \(envFile)"])
    let onA = { (arguments: [String]) in
      try CgiPoolBinary.run(arguments + ["--config", soloPath, "--host", hostA], environment: hosts.environment, timeout: 60)
    }
    for (command, expected) in [("start", "1/1 processes up"), ("status", "active/running"), ("plan", "nothing to apply")] {
      let run = try onA([command])
      #expect(run.status == 0 && run.stdout.contains(expected), "\(command) --host: \(run)")
      #expect(command == "start" || run.stdout.contains("on system manager on \(hostA) (systemd "), "\(run)")
    }
    let soloPID = { try hosts.exec(boxes[0], ["systemctl", "show", "--value", "-p", "MainPID", "\(pool)s-solo.service"]).trimmingCharacters(in: .whitespacesAndNewlines) }
    let firstPID = try soloPID()
    try hosts.exec(boxes[0], ["/bin/sh", "-c", "echo Y=2 > \(envFile)"])
    let edited = try onA(["plan"])
    #expect(edited.status == 2 && edited.stdout.contains("EnvironmentFile: \(envFile) changed since the process started"), "\(edited)")
    try solo("2").write(toFile: soloPath, atomically: true, encoding: .utf8)
    let changed = try onA(["plan"])
    #expect(changed.status == 2 && changed.stdout.contains(#"Environment: "X=1" → "X=2""#), "\(changed)")
    let apply = try onA(["apply"])
    #expect(apply.status == 0 && apply.stdout.contains("1/1 processes up"), "apply --host: \(apply)")
    let secondPID = try soloPID()
    #expect(secondPID != firstPID && secondPID != "0", "\(firstPID) -> \(secondPID)")
    let environment = try hosts.exec(boxes[0], ["/bin/sh", "-c", "tr '\\0' '\\n' < /proc/\(secondPID)/environ"])
    #expect(environment.split(separator: "\n").contains("X=2") && environment.split(separator: "\n").contains("Y=2"), "\(environment)")
    let settled = try onA(["plan"])
    #expect(settled.status == 0, "\(settled)")
    let soloStop = try onA(["stop"])
    #expect(soloStop.status == 0 && soloStop.stdout.contains("stopped     solo"), "stop --host: \(soloStop)")

    let status = try CgiPoolBinary.run(["status", "--config", configPath], environment: hosts.environment)
    #expect(status.status == 0, "\(status)")
    for (host, process) in [("a", "manager"), ("b", "worker1"), ("c", "worker2")] {
      #expect(status.stdout.split(separator: "\n").contains { $0.hasPrefix("\(host) ") && $0.contains(process) && $0.contains("active/running") }, "\(status)")
    }
    let json = try CgiPoolBinary.run(["status", "--config", configPath, "--json"], environment: hosts.environment)
    let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], "\(json)")
    let rows = try #require(document["processes"] as? [[String: Any]])
    #expect(Set(rows.compactMap { "\($0["host"] ?? "")/\($0["process"] ?? "")" }) == ["a/manager", "b/worker1", "c/worker2"])

    // Host c goes away (its sshd stops): reported, the others still shown, exit 3, no hang.
    try hosts.exec(boxes[2], ["systemctl", "stop", "i16-sshd.service"])
    let clock = ContinuousClock()
    let began = clock.now
    let partial = try CgiPoolBinary.run(
      ["status", "--config", configPath, "--connect-timeout", "3"], environment: hosts.environment, timeout: 30)
    #expect(clock.now - began < .seconds(10))
    #expect(partial.status == 3, "\(partial)")
    #expect(partial.stdout.contains("host c (root@127.0.0.1:\(hosts.ports[names[2]]!)): UNREACHABLE"), "\(partial)")
    #expect(partial.stdout.split(separator: "\n").contains { $0.hasPrefix("a ") && $0.contains("active/running") }, "\(partial)")
    #expect(partial.stdout.split(separator: "\n").contains { $0.hasPrefix("b ") && $0.contains("active/running") }, "\(partial)")
    #expect(partial.stdout.split(separator: "\n").contains { $0.hasPrefix("c ") && $0.contains("worker2") && $0.contains("unknown") }, "\(partial)")
    try hosts.startSSHD(boxes[2])

    let stop = try CgiPoolBinary.run(["stop", "--config", configPath], environment: hosts.environment, timeout: 120)
    #expect(stop.status == 0, "\(stop)")
    // Workers stop before the manager they depend on.
    let lines = stop.stdout.split(separator: "\n").map(String.init)
    let managerLine = try #require(lines.firstIndex { $0.contains("stopped     manager") }, "\(stop)")
    for worker in ["worker1", "worker2"] {
      let index = try #require(lines.firstIndex { $0.contains("stopped     \(worker)") }, "\(stop)")
      #expect(index < managerLine, "\(stop)")
    }
    // Nothing left: no process of the pool in any container's cgroups, no unit loaded.
    for (name, box) in zip(names, boxes) {
      let left = try hosts.exec(
        box, ["/bin/sh", "-c", "grep -l '\(pool)' /proc/[0-9]*/cgroup 2>/dev/null; systemctl list-units --all --no-legend '\(pool)*'"])
      #expect(left.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "left on \(name): \(left)")
    }

    // install --host sends this binary and its templates to host a over ssh and installs the
    // one-machine pool there as unit files (started with --now); uninstall --host removes it all,
    // and the staged copy is gone too.
    let installPool = "\(pool)i"
    let installPath = hosts.scratch.appendingPathComponent("installed.json").path
    try #"{"name": "\#(installPool)", "processes": {"solo": {"command": ["/usr/bin/sleep", "600"]}}}"#
      .write(toFile: installPath, atomically: true, encoding: .utf8)
    let install = try CgiPoolBinary.run(
      ["install", "--config", installPath, "--host", hostA, "--now"], environment: hosts.environment, timeout: 120)
    #expect(install.status == 0, "\(install)")
    #expect(try hosts.exec(boxes[0], ["systemctl", "is-enabled", "\(installPool).target"]) == "enabled\n")
    #expect(try hosts.exec(boxes[0], ["systemctl", "is-active", "\(installPool)-solo.service"]) == "active\n")
    #expect(try hosts.exec(boxes[0], ["test", "-x", "/usr/local/libexec/cgipool/cgipool"]).isEmpty)
    let uninstall = try CgiPoolBinary.run(
      ["uninstall", "--config", installPath, "--host", hostA], environment: hosts.environment, timeout: 120)
    #expect(uninstall.status == 0, "\(uninstall)")
    let remains = try hosts.exec(
      boxes[0], ["/bin/sh", "-c", "ls -d /usr/local/libexec/cgipool /etc/systemd/system/\(installPool)* /tmp/cgipool-install-* 2>/dev/null; true"])
    #expect(remains.isEmpty, "left on a after uninstall --host: \(remains)")

    // cleanup --host runs `cgipool cleanup` on host b over plain ssh: a stray matching the pool's
    // pattern there, outside the pool's units, is ended; nothing on this machine is touched.
    let token = String(UInt32.random(in: 1 << 20..<1 << 30), radix: 16)
    let strayLink = hosts.scratch.appendingPathComponent("echo_\(token).cgi").path
    try FileManager.default.createSymbolicLink(atPath: strayLink, withDestinationPath: "/bin/sleep")
    _ = try hosts.exec(boxes[1], ["systemd-run", "--unit=i16-stray-\(token)", strayLink, "300"])
    let strayConfig = hosts.scratch.appendingPathComponent("stray.json").path
    try #"{"name": "\#(pool)x", "orphan_patterns": ["echo_\#(token).cgi"], "processes": {"idle": {"command": ["/bin/sleep", "1"]}}}"#
      .write(toFile: strayConfig, atomically: true, encoding: .utf8)
    let hostB = "root@127.0.0.1:\(hosts.ports[names[1]]!)"
    let cleanup = try CgiPoolBinary.run(
      ["cleanup", "--config", strayConfig, "--host", hostB, "--timeout", "5"], environment: hosts.environment, timeout: 60)
    #expect(cleanup.status == 0, "\(cleanup)")
    #expect(cleanup.stdout.contains("echo_\(token).cgi"), "\(cleanup)")
    let strayLeft = try hosts.exec(boxes[1], ["/bin/sh", "-c", "grep -l 'echo[_]\(token)' /proc/[0-9]*/cmdline 2>/dev/null; true"])
    #expect(strayLeft.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "the stray still runs on b: \(strayLeft)")
  }
}

/// Everything one test sets up: containers with sshd, the client's key and configuration.
/// The client side of the remote hosts: an ssh key, known_hosts and an `ssh` wrapper first on
/// PATH (the way a user points sd-bus's ssh at options), all in a scratch folder removed after;
/// and, per booted container, sshd on a free loopback port.
final class RemoteTestHosts {
  let scratch: URL
  var ports: [String: Int] = [:]
  var binDirectory: URL { scratch.appendingPathComponent("bin") }
  /// The sshd set-up run inside each container.
  static let sshdSetup = CgiPoolBinary.fixtures.appendingPathComponent("testbed-sshd.sh").path

  init() throws {
    // Under the checkout, which the containers see at the same path: the config and the
    // processes' working directory must be at the same path there.
    scratch = CgiPoolBinary.packageRoot.appendingPathComponent(".build/i16-across-\(getpid())")
    try? FileManager.default.removeItem(at: scratch)
    try FileManager.default.createDirectory(at: binDirectory, withIntermediateDirectories: true)
    try HostCommand.run(["/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", scratch.appendingPathComponent("id").path])
      .requiringSuccess("ssh-keygen")
    let config = """
      Host *
        IdentityFile \(scratch.path)/id
        IdentitiesOnly yes
        UserKnownHostsFile \(scratch.path)/known_hosts
        StrictHostKeyChecking yes
        BatchMode yes
      """
    try config.write(to: scratch.appendingPathComponent("ssh_config"), atomically: true, encoding: .utf8)
    let wrapper = "#!/bin/sh\nexec /usr/bin/ssh -F '\(scratch.path)/ssh_config' \"$@\"\n"
    let wrapperURL = binDirectory.appendingPathComponent("ssh")
    try wrapper.write(to: wrapperURL, atomically: true, encoding: .utf8)
    chmod(wrapperURL.path, 0o755)
  }

  /// (Re)starts sshd in `box`, on its port when it had one; returns the port.
  @discardableResult
  func startSSHD(_ box: BootedSystemd) throws -> Int {
    let port = ports[box.name] ?? FreePort.next()
    ports[box.name] = port
    let key = try String(contentsOf: scratch.appendingPathComponent("id.pub"), encoding: .utf8)
      .trimmingCharacters(in: .whitespacesAndNewlines)
    let hostKey = try box.run([try box.inside(Self.sshdSetup), String(port), key]).requiringSuccess("sshd in \(box.name)")
      .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let fields = hostKey.split(separator: " ").prefix(2).joined(separator: " ")
    let line = "[127.0.0.1]:\(port) \(fields)\n"
    let knownHosts = scratch.appendingPathComponent("known_hosts")
    let existing = (try? String(contentsOf: knownHosts, encoding: .utf8)) ?? ""
    if !existing.contains(line) { try (existing + line).write(to: knownHosts, atomically: true, encoding: .utf8) }
    // sshd is a Type=exec unit: wait until it accepts connections.
    for _ in 0..<250 where !Self.accepts(port) { usleep(20_000) }
    return port
  }

  /// Runs `argv` inside `box` and returns its output (failing when it fails).
  @discardableResult
  func exec(_ box: BootedSystemd, _ argv: [String]) throws -> String {
    try box.run(argv).requiringSuccess(argv.joined(separator: " ")).stdout
  }

  /// The environment a cgipool run needs: the ssh wrapper first on PATH.
  var environment: [String: String] {
    ["PATH": binDirectory.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")]
  }

  func tearDown() {
    try? FileManager.default.removeItem(at: scratch)
  }

  static func accepts(_ port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    return withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    } == 0
  }
}
