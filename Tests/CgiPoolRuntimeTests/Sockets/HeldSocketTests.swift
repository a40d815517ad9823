import CgiPoolRuntime
import CgiPoolTestSupport
import Foundation
import ProcessConfig
import SystemdBus
import Testing
import UnitCompiler

#if canImport(Glibc)
  import Glibc
#endif

/// `listen` on a real private manager: the socket listens before the service starts, the
/// service inherits it (LISTEN_FDS) under both back ends, a restart (of the process, and of the
/// whole pool) refuses no connection, and a stop frees the port and leaves nothing.
@Suite(.enabled(if: PrivateManagerFixture.enabled), .serialized) struct HeldSocketTests {
  /// A server that takes fd 3 when systemd passes one (and binds the port itself otherwise),
  /// writes what it inherited to `seen`, waits `delay` before serving (a slow start), and answers
  /// each connection with its PID. SIGTERM ends it after the connection in hand is answered.
  static let server = """
    import os, signal, socket, sys, time
    port, seen, delay = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    inherited = os.environ.get("LISTEN_PID") == str(os.getpid()) and int(os.environ.get("LISTEN_FDS", "0")) >= 1
    if inherited:
        listener = socket.socket(fileno=3)
    else:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen(64)
    with open(seen, "a") as out:
        out.write("%d %s %s %s\\n" % (os.getpid(), os.environ.get("LISTEN_FDS", "-"), os.environ.get("LISTEN_FDNAMES", "-"), "inherited" if inherited else "own"))
    time.sleep(delay)
    listener.settimeout(0.05)
    while not stop:
        try:
            connection, _ = listener.accept()
        except socket.timeout:
            continue
        connection.settimeout(5)
        try:
            connection.recv(64)
            connection.sendall(b"%d\\n" % os.getpid())
        finally:
            connection.close()
    """

  static func config(pool: String, port: Int, folder: String, delay: Double = 0) -> String {
    """
    {"name": "\(pool)", "processes": {
      "web": {"command": ["python3", "server.py", "\(port)", "\(folder)/seen", "\(delay)"],
        "listen": "127.0.0.1:\(port)", "restart_policy": "always", "settle_time": 0, "stop_timeout": 5}
    }}
    """
  }

  static func prepare(_ folder: String) throws {
    try server.write(toFile: folder + "/server.py", atomically: true, encoding: .utf8)
  }

  /// One request: the answer, or the errno of the connect / read that failed.
  static func request(port: Int) -> Result<String, POSIXError> {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    var timeout = timeval(tv_sec: 20, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { return .failure(POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)) }
    _ = "x\n".withCString { send(fd, $0, 2, Int32(MSG_NOSIGNAL)) }
    var buffer = [UInt8](repeating: 0, count: 64)
    let count = recv(fd, &buffer, buffer.count, 0)
    guard count > 0 else { return .failure(POSIXError(count == 0 ? .ECONNRESET : POSIXErrorCode(rawValue: errno) ?? .EIO)) }
    return .success(String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
  }

  /// The lines the server wrote at each start: PID, LISTEN_FDS, LISTEN_FDNAMES, inherited/own.
  static func seen(_ folder: String) -> [[String]] {
    ((try? String(contentsOfFile: folder + "/seen", encoding: .utf8)) ?? "").split(separator: "\n")
      .map { $0.split(separator: " ").map(String.init) }
  }

  /// What both back ends must show: the socket listening, the service on its fd, every request
  /// of a restart answered, and after the stop a free port and nothing left.
  static func exercise(_ context: RuntimeHarness.Context, pool: String, port: Int) throws {
    let socketUnit = "\(pool)-web.socket"
    let report = try context.runtime.start()
    #expect(report.succeeded, "\(report)")
    let socket = try #require(try context.runtime.manager.unitState(socketUnit))
    #expect(socket.activeState == .active)
    let service = try #require(try context.runtime.manager.unitState("\(pool)-web.service"))
    // The socket was listening before the service's process started.
    #expect(socket.activeEnterMonotonic > 0 && socket.activeEnterMonotonic <= service.mainStartMonotonic)
    #expect(!FreePort.isFree(port), "the socket holds the port")
    #expect(RuntimeHarness.eventually { seen(context.folder).count == 1 })
    let first = try #require(seen(context.folder).first)
    #expect(first == [String(service.mainPID), "1", "web", "inherited"], "\(first)")
    #expect(try request(port: port).get() == String(service.mainPID))
    let status = try #require(try context.runtime.status().processes.first)
    #expect(status.listen == ["127.0.0.1:\(port)"] && status.socketState == .active, "\(status)")

    // Requests in a loop while `restart web` stops and starts it (a 0.3 s slow start), then
    // while the whole pool restarts: each waits in the backlog, none is refused.
    for (what, names) in [("restart web", ["web"]), ("restart of the whole pool", [])] {
      let outcomes = Outcomes()
      let client = Thread {
        while !outcomes.done {
          outcomes.append(request(port: port))
          usleep(5_000)
        }
        outcomes.exit()
      }
      client.start()
      usleep(100_000)
      let restart = try context.runtime.restart(names)
      #expect(restart.start.succeeded, "\(what): \(restart.start)")
      // A connection that arrived once the old process was gone started the new one through the
      // socket: that process is not a survivor of the stop.
      #expect(restart.stop.results.map(\.outcome) == [.stopped], "\(what): \(restart.stop)")
      usleep(300_000)
      outcomes.finish()
      #expect(RuntimeHarness.eventually(timeout: 30) { outcomes.exited })
      let answers = outcomes.all
      let failed = answers.filter { if case .failure = $0 { return true } else { return false } }
      let failures = failed.prefix(5).map { "\($0)" }.joined(separator: ", ")
      #expect(failed.isEmpty, "\(failed.count) of \(answers.count) requests failed during the \(what): \(failures)")
      let pids = Set(answers.compactMap { try? $0.get() })
      #expect(pids.count == 2, "\(what): answered by the old and the new process: \(pids)")
    }
    #expect(seen(context.folder).count == 3 && seen(context.folder).allSatisfy { $0.last == "inherited" })
    // The restarts kept the socket: same listening unit, never stopped.
    let after = try #require(try context.runtime.manager.unitState(socketUnit))
    #expect(after.activeState == .active && after.activeEnterMonotonic == socket.activeEnterMonotonic)

    let stop = try context.runtime.stop()
    #expect(stop.nothingLeft, "\(stop)")
    #expect(try context.runtime.manager.unitState(socketUnit)?.activeState ?? .inactive == .inactive)
    #expect(FreePort.isFree(port), "the port is free after the stop")
    #expect(try context.runtime.status().processes.first?.socketState == .inactive)
    #expect(PoolCensus.processes(pool: pool, units: [socketUnit, "\(pool)-web.service"], cgroupRoot: context.runtime.cgroupRoot).isEmpty)
  }

  @Test func transientSocketFeedsItsServiceAndARestartRefusesNothing() throws {
    let port = RuntimeHarness.freePort()
    let folder = NSTemporaryDirectory() + "iS-held-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder + "/logs", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try Self.prepare(folder)
    try RuntimeHarness.withPool(Self.config(pool: "iS-held", port: port, folder: folder, delay: 0.3), folder: folder) { context in
      try Self.exercise(context, pool: "iS-held", port: port)
    }
  }

  @Test func unitFileSocketFeedsItsServiceAndARestartRefusesNothing() throws {
    let port = RuntimeHarness.freePort()
    let folder = NSTemporaryDirectory() + "iS-held-files-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder + "/logs", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try Self.prepare(folder)
    try RuntimeHarness.withPool(Self.config(pool: "iS-heldf", port: port, folder: folder, delay: 0.3), folder: folder) { context in
      let units = try #require(context.endpoint.runtimeDirectory) + "/systemd/user"
      try FileManager.default.createDirectory(atPath: units, withIntermediateDirectories: true)
      let renderer = try UnitFileRenderer(templatesDirectory: RuntimeHarness.templates)
      for file in try renderer.renderAll(context.compiled, configFile: "t.json") {
        try file.text.write(toFile: units + "/" + file.name, atomically: true, encoding: .utf8)
      }
      try context.manager.reload()
      context.runtime.installedTarget = units + "/iS-heldf.target"
      try Self.exercise(context, pool: "iS-heldf", port: port)
    }
  }

  /// Replicas: one socket per instance on the same address (`ReusePort=`), a rolling restart
  /// refuses no connection, and a replica removed by scale down takes its socket with it.
  @Test func replicasHaveASocketEachAndARollingRestartRefusesNothing() throws {
    let port = RuntimeHarness.freePort()
    let folder = NSTemporaryDirectory() + "iS-rep-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder + "/logs", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try Self.prepare(folder)
    let json = """
      {"name": "iS-rep", "processes": {
        "web": {"command": ["python3", "server.py", "\(port)", "\(folder)/seen", "0.3"], "replicas": 2,
          "listen": "127.0.0.1:\(port)", "restart_policy": "always", "settle_time": 0, "stop_timeout": 5}
      }}
      """
    try RuntimeHarness.withPool(json, folder: folder) { context in
      let report = try context.runtime.start()
      #expect(report.succeeded, "\(report)")
      var pids: [String] = []
      for replica in 1...2 {
        let socket = try #require(try context.runtime.manager.unitState("iS-rep-web@\(replica).socket"))
        #expect(socket.activeState == .active)
        let path = try context.manager.loadUnit("iS-rep-web@\(replica).socket")
        let properties = try context.manager.properties(path: path, interface: "org.freedesktop.systemd1.Socket")
        #expect(properties["ReusePort"] == .bool(true))
        #expect(properties["FileDescriptorName"] == .string("web"))
        pids.append(String(try #require(try context.runtime.manager.unitState("iS-rep-web@\(replica).service")).mainPID))
      }
      #expect(RuntimeHarness.eventually { Self.seen(folder).count == 2 })
      #expect(Self.seen(folder).allSatisfy { $0.dropFirst() == ["1", "web", "inherited"] }, "\(Self.seen(folder))")
      // The kernel spreads connections over both sockets.
      var answered = Set<String>()
      for _ in 0..<60 { if let pid = try? Self.request(port: port).get() { answered.insert(pid) } }
      #expect(answered == Set(pids), "\(answered) vs \(pids)")

      let outcomes = Outcomes()
      let client = Thread {
        while !outcomes.done {
          outcomes.append(Self.request(port: port))
          usleep(5_000)
        }
        outcomes.exit()
      }
      client.start()
      usleep(100_000)
      let restart = try context.runtime.restart(["web"])
      #expect(restart.halted == nil && restart.start.succeeded, "\(restart.start)")
      usleep(200_000)
      outcomes.finish()
      #expect(RuntimeHarness.eventually(timeout: 30) { outcomes.exited })
      let failed = outcomes.all.filter { if case .failure = $0 { return true } else { return false } }
      #expect(failed.isEmpty, "\(failed.count) of \(outcomes.all.count) requests failed during the rolling restart")
      #expect(Self.seen(folder).count == 4)

      // Scale down: web@2 and its socket go; every request is still answered, by web@1.
      let scaled = try context.runtime.scaleDown("web", to: 1)
      #expect(scaled.nothingLeft, "\(scaled)")
      #expect(try context.runtime.manager.unitState("iS-rep-web@2.socket")?.activeState ?? .inactive == .inactive)
      let survivor = String(try #require(try context.runtime.manager.unitState("iS-rep-web@1.service")).mainPID)
      for _ in 0..<30 { #expect((try? Self.request(port: port).get()) == survivor) }

      let stop = try context.runtime.stop()
      #expect(stop.nothingLeft, "\(stop)")
      #expect(FreePort.isFree(port))
    }
  }

  @Test func aSocketThatCannotBindFailsItsProcessWithTheReason() throws {
    let port = RuntimeHarness.freePort()
    // Someone else holds the port.
    let holder = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(holder) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(holder, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    try #require(bound == 0 && listen(holder, 1) == 0)
    let folder = NSTemporaryDirectory() + "iS-busy-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder + "/logs", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try Self.prepare(folder)
    try RuntimeHarness.withPool(Self.config(pool: "iS-busy", port: port, folder: folder), folder: folder) { context in
      let report = try context.runtime.start()
      #expect(!report.succeeded)
      let reason = "\(report)"
      #expect(reason.contains("iS-busy-web.socket could not listen on 127.0.0.1:\(port)"), "\(reason)")
      #expect(Self.seen(folder).isEmpty, "the process never ran")
      #expect(try context.runtime.manager.unitState("iS-busy-web.service")?.isActive != true)
    }
  }
}

/// Request outcomes collected by a client thread.
final class Outcomes: @unchecked Sendable {
  private let lock = NSLock()
  private var results: [Result<String, POSIXError>] = []
  private var stopped = false
  private var ended = false

  var done: Bool { lock.withLock { stopped } }
  var all: [Result<String, POSIXError>] { lock.withLock { results } }
  func append(_ result: Result<String, POSIXError>) { lock.withLock { results.append(result) } }
  func finish() { lock.withLock { stopped = true } }
  /// Whether the client thread has made its last request (its answer is in `all`).
  var exited: Bool { lock.withLock { ended } }
  func exit() { lock.withLock { ended = true } }
}
