import Foundation
import ProcessConfig
import UnitCompiler

#if canImport(Glibc)
  import Glibc
#endif

/// Checks the liveness of a pool's processes from one process: the body of `<pool>.health.service`.
///
/// One thread waits in `poll` on every check under way: port and plain-HTTP checks are
/// non-blocking sockets, `command` checks are child processes (at most `commandLimit` at once,
/// each killed at its timeout), and only HTTPS checks and host names not yet resolved run on a
/// thread of their own. So a check that hangs holds nothing but its own slot until its timeout,
/// and the cost is the checks' system calls, not a process start per check.
///
/// A process is checked only while its unit is active, first `interval` after it became active,
/// then `interval` after each check ended; a new activation counts its failures afresh, and a
/// check that failed after the unit left that activation is dropped. `failure_threshold`
/// consecutive failures kill the unit
/// (`KillUnit`, SIGKILL) so `Restart=always` restarts it and counts it in `NRestarts`; checking
/// resumes once the new process is active. The counters and last results are published in the
/// state file (`HealthStateFile`), which also carries them across a restart of the monitor.
public final class LivenessMonitor {
  /// What the monitor tells the world; the CLI connects these to sd_notify and output.
  public struct Hooks {
    /// Start-up is done (`READY=1`).
    public var ready: (String) -> Void
    /// The monitor is alive (`WATCHDOG=1`).
    public var watchdog: () -> Void
    /// A line for the process's log: `(check, line)`.
    public var line: (LivenessCheck, String) -> Void

    /// Creates the hooks.
    public init(ready: @escaping (String) -> Void, watchdog: @escaping () -> Void, line: @escaping (LivenessCheck, String) -> Void) {
      self.ready = ready
      self.watchdog = watchdog
      self.line = line
    }
  }

  /// The most `command` checks running at once.
  public static let defaultCommandLimit = 8
  /// The most checks on threads (HTTPS, host names being resolved) at once.
  static let threadLimit = 8

  private let manager: any SystemdManaging
  private let stateFile: HealthStateFile
  private let hooks: Hooks
  private let commandLimit: Int
  private let watchdogPeriod: Double
  private var entries: [Entry]
  private var running: [Int: Running] = [:]
  private var commandsRunning = 0
  private var threadsRunning = 0
  private let wake: (read: Int32, write: Int32)
  private var dirty = false
  private var lastWrite = 0.0
  private var nextRefresh = 0.0
  private var nextWatchdog = 0.0
  private let refreshPeriod: Double
  private let writePeriod: Double

  /// Creates a monitor of `checks` (invalid targets are reported by `init`) on `manager`.
  ///
  /// `watchdogInterval` is systemd's `WatchdogSec=` (nil: none); `commandLimit` caps the
  /// `command` checks running at once.
  public init(
    checks: [LivenessCheck], manager: any SystemdManaging, stateFile: HealthStateFile, hooks: Hooks,
    watchdogInterval: Double?, commandLimit: Int = LivenessMonitor.defaultCommandLimit
  ) throws(LivenessCheckError) {
    var entries: [Entry] = []
    for check in checks {
      guard let kind = HealthCheck.Kind(rawValue: check.kind) else {
        throw LivenessCheckError("\(check.process): unknown check type \"\(check.kind)\"")
      }
      switch ProbeTarget.parse(kind: kind, target: check.target) {
      case .success(let target): entries.append(Entry(check: check, target: target))
      case .failure(let error): throw LivenessCheckError("\(check.process): \(error)")
      }
    }
    self.entries = entries
    self.manager = manager
    self.stateFile = stateFile
    self.hooks = hooks
    self.commandLimit = max(1, commandLimit)
    self.watchdogPeriod = watchdogInterval.map { min(max($0 / 4, 0.2), 5) } ?? .infinity
    let shortest = checks.map(\.interval).min() ?? 10
    // Often enough to start checking a process within a fraction of its interval of it becoming active.
    self.refreshPeriod = min(max(shortest / 2, 0.5), 5)
    // Often enough that `status` shows a check's age within a quarter of the interval.
    self.writePeriod = min(max(shortest / 4, 0.1), 1)
    var ends: [Int32] = [0, 0]
    _ = pipe(&ends)
    for end in ends {
      _ = fcntl(end, F_SETFD, FD_CLOEXEC)
      _ = fcntl(end, F_SETFL, O_NONBLOCK)
    }
    self.wake = (ends[0], ends[1])
  }

  deinit {
    close(wake.read)
    close(wake.write)
  }

  /// Checks until `isCancelled` answers true (SIGTERM); unit states come from the manager.
  public func run(isCancelled: () -> Bool) {
    restoreState()
    refresh(now: MonotonicClock.now())
    hooks.ready("checking \(entries.count) process\(entries.count == 1 ? "" : "es")")
    while !isCancelled() {
      let now = MonotonicClock.now()
      if now >= nextWatchdog {
        hooks.watchdog()
        nextWatchdog = now + watchdogPeriod
      }
      if now >= nextRefresh { refresh(now: now) }
      startDueChecks(now: now)
      waitForEvents()
      finishChecks(now: MonotonicClock.now())
      if dirty && MonotonicClock.now() >= lastWrite + writePeriod { publish() }
    }
    for (_, check) in running {
      if case .command(let child, _, _) = check.work { kill(-child.pid, SIGKILL) }
    }
    publish()
  }

  // MARK: - Unit states

  /// Which units are active: one listing; the start time only of units newly seen active.
  private func refresh(now: Double) {
    let restarting = entries.contains { $0.killedAt != nil }
    // While a killed process comes back, look often: its checks resume once it is active.
    nextRefresh = now + (restarting ? min(refreshPeriod, 0.2) : refreshPeriod)
    guard let listed = try? manager.listedStates(entries.map(\.check.unit)) else { return }
    var fresh: [Int] = []
    for index in entries.indices {
      let state = listed[entries[index].check.unit]
      if !(state.map(Self.isCheckable) ?? false) {
        // Stopped, restarting or failed: no checks until it is active again.
        entries[index].active = false
        entries[index].next = .infinity
      } else if !entries[index].active {
        fresh.append(index)
      }
    }
    guard !fresh.isEmpty, let states = try? manager.unitStates(fresh.map { entries[$0].check.unit }) else { return }
    for (order, index) in fresh.enumerated() {
      guard let state = states[entries[index].check.unit], state.isActive else { continue }
      if let killed = entries[index].killedAt, state.activeEnterMonotonic <= killed { continue }
      // Failures counted against an earlier process (before a restart or crash) say nothing of
      // this one; only a record taken during this activation (the monitor itself restarted) counts on.
      if (entries[index].record?.checkedMonotonic ?? 0) < state.activeEnterMonotonic { entries[index].failures = 0 }
      entries[index].activeSince = state.activeEnterMonotonic
      let startedAt = Double(state.activeEnterMonotonic) / 1e6
      let interval = entries[index].check.interval
      var next = startedAt + interval
      if entries[index].killedAt == nil, let record = entries[index].record {
        // The monitor itself restarted: keep each process's cadence instead of checking all at once.
        next = max(next, Double(record.checkedMonotonic) / 1e6 + interval)
      }
      // Spread the first checks of many processes over one interval.
      let spread = now + interval * Double(order) / Double(fresh.count)
      entries[index].next = max(next, min(spread, now + interval))
      entries[index].active = true
      entries[index].killedAt = nil
    }
  }

  // MARK: - Running checks

  private func startDueChecks(now: Double) {
    let due = entries.indices.filter { entries[$0].active && running[$0] == nil && entries[$0].next <= now }
    // The longest-waiting first, so a check waiting for a free command slot is not overtaken.
    for index in due.sorted(by: { entries[$0].next < entries[$1].next }) {
      if let check = begin(index, now: now) {
        running[index] = check
      }
    }
  }

  /// Starts one check; nil when it has to wait for a free slot (or finished at once).
  private func begin(_ index: Int, now: Double) -> Running? {
    let entry = entries[index]
    let deadline = now + entry.check.timeout
    switch entry.target {
    case .port(let host, let port):
      guard let addresses = HostResolver.shared.known(host: host, port: port) else { return onThread(index, now: now) }
      return connect(index, addresses: addresses[...], request: nil, started: now, deadline: deadline)
    case .http(let url) where url.scheme?.lowercased() == "http":
      let request = ProbeAttempt.HTTPRequest(url)
      guard let addresses = HostResolver.shared.known(host: request.host, port: request.port) else {
        return onThread(index, now: now)
      }
      return connect(index, addresses: addresses[...], request: request, started: now, deadline: deadline)
    case .http:
      return onThread(index, now: now)
    case .command(let command):
      guard commandsRunning < commandLimit else { return nil }
      switch ShellCommand.spawn(
        command, workingDirectory: entry.check.workingDirectory, environment: entry.environment, nonBlocking: true)
      {
      case .success(let child):
        commandsRunning += 1
        return Running(started: now, deadline: deadline, work: .command(child, [], eof: false))
      case .failure(let failure):
        record(index, .failure(failure), now: now)
        return nil
      }
    }
  }

  /// A non-blocking connect to the first of `addresses`; the rest are tried when it is refused.
  private func connect(
    _ index: Int, addresses: ArraySlice<HostResolver.Address>, request: ProbeAttempt.HTTPRequest?, started: Double,
    deadline: Double, lastError: String = "no address"
  ) -> Running? {
    var error = lastError
    for (offset, var address) in zip(addresses.indices, addresses) {
      let fd = socket(address.family, address.socketType | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), address.socketProtocol)
      if fd < 0 {
        error = String(cString: strerror(errno)).lowercased()
        continue
      }
      let result = withUnsafePointer(to: &address.storage) { storage in
        storage.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, address.length) }
      }
      if result == 0 || errno == EINPROGRESS {
        let socket = SocketCheck(fd: fd, request: request, rest: addresses[(offset + 1)...], connected: result == 0)
        var check = Running(started: started, deadline: deadline, work: .socket(socket))
        if result == 0 && request == nil { check.result = .success("accepting connections") }
        return check
      }
      error = String(cString: strerror(errno)).lowercased()
      close(fd)
    }
    record(index, .failure(ProbeAttempt.Failure(message: error)), now: MonotonicClock.now())
    return nil
  }

  /// Runs the blocking check on a thread of its own (HTTPS through libcurl, a host name's first look-up).
  private func onThread(_ index: Int, now: Double) -> Running? {
    guard threadsRunning < Self.threadLimit else { return nil }
    threadsRunning += 1
    let box = ResultBox()
    let target = entries[index].target
    let timeout = entries[index].check.timeout
    let wakeUp = wake.write
    Thread.detachNewThread {
      let result = ProbeAttempt.run(target, timeout: timeout)
      box.set(result)
      var byte: UInt8 = 1
      _ = Glibc.write(wakeUp, &byte, 1)
    }
    // The thread enforces the timeout itself; the extra second only guards against a stuck library.
    return Running(started: now, deadline: now + timeout + 1, work: .thread(box))
  }

  /// Sleeps in `poll` until a check has news, one is due, or something periodic is.
  private func waitForEvents() {
    var fds = [pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0)]
    var owners: [Int] = [-1]
    var soonest = min(nextRefresh, nextWatchdog)
    if dirty { soonest = min(soonest, lastWrite + writePeriod) }
    for (index, check) in running {
      soonest = min(soonest, check.deadline)
      if check.result != nil {
        soonest = 0
        continue
      }
      switch check.work {
      case .socket(let socket):
        let wantsWrite = !socket.connected || (socket.request != nil && socket.sent < socket.request!.bytes.count)
        fds.append(pollfd(fd: socket.fd, events: Int16(wantsWrite ? POLLOUT : POLLIN), revents: 0))
        owners.append(index)
      case .command(let child, _, let eof):
        if eof {
          // Output closed but the shell not yet reaped: look again shortly.
          soonest = min(soonest, MonotonicClock.now() + 0.005)
        } else {
          fds.append(pollfd(fd: child.output, events: Int16(POLLIN), revents: 0))
          owners.append(index)
        }
      case .thread:
        break
      }
    }
    let slotsFree = commandsRunning < commandLimit && threadsRunning < Self.threadLimit
    for index in entries.indices where entries[index].active && running[index] == nil {
      if case .command = entries[index].target, commandsRunning >= commandLimit { continue }
      if slotsFree || entries[index].next < soonest { soonest = min(soonest, entries[index].next) }
    }
    let wait = max(0, soonest - MonotonicClock.now())
    let millis = Int32(min(wait * 1000, 60_000).rounded(.up))
    let ready = poll(&fds, nfds_t(fds.count), millis)
    guard ready > 0 else { return }
    if fds[0].revents != 0 {
      var drain = [UInt8](repeating: 0, count: 64)
      while read(wake.read, &drain, drain.count) > 0 {}
    }
    for (position, pollFD) in fds.enumerated().dropFirst() where pollFD.revents != 0 {
      advance(owners[position], revents: pollFD.revents)
    }
  }

  /// Moves one check on after `poll` said its descriptor is ready.
  private func advance(_ index: Int, revents: Int16) {
    guard var check = running[index] else { return }
    switch check.work {
    case .socket(var socket):
      if !socket.connected {
        var socketError: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(socket.fd, SOL_SOCKET, SO_ERROR, &socketError, &length)
        if socketError != 0 {
          close(socket.fd)
          running[index] = nil
          let error = String(cString: strerror(socketError)).lowercased()
          // Refused on one address: the next one (localhost is ::1 and 127.0.0.1) may answer.
          if let next = connect(
            index, addresses: socket.rest, request: socket.request, started: check.started, deadline: check.deadline,
            lastError: error)
          {
            running[index] = next
          }
          return
        }
        socket.connected = true
        guard socket.request != nil else {
          check.result = .success("accepting connections")
          check.work = .socket(socket)
          running[index] = check
          return
        }
      }
      if let request = socket.request, socket.sent < request.bytes.count {
        let written = request.bytes[socket.sent...].withUnsafeBytes { send(socket.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        if written > 0 {
          socket.sent += written
        } else if written < 0 && errno != EAGAIN && errno != EINTR {
          check.result = .failure(ProbeAttempt.Failure(message: "connection closed while sending the request"))
        }
      } else {
        var closed = false
        var chunk = [UInt8](repeating: 0, count: 512)
        let count = chunk.withUnsafeMutableBytes { recv(socket.fd, $0.baseAddress, $0.count, 0) }
        if count > 0 {
          socket.buffer += chunk[..<count]
        } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
          closed = true
        }
        if let line = ProbeAttempt.HTTPRequest.statusLine(in: socket.buffer, closed: closed || socket.buffer.count >= 8192) {
          check.result = ProbeAttempt.HTTPRequest.interpret(statusLine: line)
        } else if closed {
          check.result = .failure(ProbeAttempt.Failure(message: "no HTTP status line within the timeout"))
        }
      }
      check.work = .socket(socket)
    case .command(let child, var output, _):
      let open = ShellCommand.readAvailable(child.output, into: &output)
      check.work = .command(child, output, eof: !open)
    case .thread:
      break
    }
    running[index] = check
  }

  /// Records the checks that ended (answered, exited, or past their deadline).
  private func finishChecks(now: Double) {
    for (index, check) in running.sorted(by: { $0.key < $1.key }) {
      var result = check.result
      switch check.work {
      case .socket(let socket):
        if result == nil && now >= check.deadline {
          let timeout = entries[index].check.timeout
          result = .failure(
            ProbeAttempt.Failure(
              message: socket.connected ? "no HTTP status line within the timeout" : "no answer within \(timeout)s"))
        }
        if result != nil { close(socket.fd) }
      case .command(let child, let output, let eof):
        var status: Int32 = 0
        let reaped = eof ? waitpid(child.pid, &status, WNOHANG) : 0
        if reaped == child.pid {
          result = ShellCommand.outcome(status: status, output: output, timedOut: nil)
        } else if now >= check.deadline {
          kill(-child.pid, SIGKILL)
          while waitpid(child.pid, &status, 0) < 0 && errno == EINTR {}
          result = ShellCommand.outcome(status: status, output: output, timedOut: entries[index].check.timeout)
        }
        if result != nil {
          close(child.output)
          commandsRunning -= 1
        }
      case .thread(let box):
        result = box.get()
        if result == nil && now >= check.deadline {
          result = .failure(ProbeAttempt.Failure(message: "no answer within \(entries[index].check.timeout)s"))
        }
        if result != nil { threadsRunning -= 1 }
      }
      guard let result else { continue }
      running[index] = nil
      record(index, result, now: now)
    }
  }

  // MARK: - Results

  /// Counts a result; at the threshold, kills the unit so systemd restarts it.
  private func record(_ index: Int, _ result: Result<String, ProbeAttempt.Failure>, now: Double) {
    var entry = entries[index]
    // The unit stopped while the check ran: its result says nothing about a running process.
    guard entry.active else { return }
    let check = entry.check
    let outcome = HealthProbe(target: entry.target, timeout: check.timeout).oneCheck(result, elapsed: 0)
    let healthy = outcome.healthy
    if !healthy && !stillActive(entry) {
      // The unit stopped or restarted while the check ran, and the last refresh did not see it
      // (a `cgipool restart` closes the port before the new process opens it): the failure says
      // nothing of a running process. Checking resumes when the refresh finds it active again.
      entry.active = false
      entry.next = .infinity
      entries[index] = entry
      nextRefresh = min(nextRefresh, now + 0.2)
      return
    }
    let message = outcome.message
    if healthy {
      if !entry.reportedHealthy { hooks.line(check, "healthy: " + message) }
      entry.failures = 0
      entry.reportedHealthy = true
    } else {
      entry.failures += 1
      entry.reportedHealthy = false
      if entry.failures < check.failureThreshold {
        hooks.line(check, "unhealthy: \(message) (failure \(entry.failures) of \(check.failureThreshold) before a restart)")
      } else {
        // Said before the kill, so the log reads in order.
        hooks.line(
          check,
          "unhealthy: \(message) (failure \(entry.failures) of \(check.failureThreshold)): killing \(check.unit) so systemd restarts it")
        do {
          try manager.killUnit(check.unit, signal: SIGKILL)
        } catch {
          hooks.line(check, "cannot restart \(check.unit): \(error)")
        }
        entry.failures = 0
        entry.active = false
        entry.killedAt = UInt64(now * 1e6)
        nextRefresh = min(nextRefresh, now + 0.2)
      }
    }
    entry.next = now + check.interval
    entry.record = HealthRecord(
      process: check.process, healthy: healthy, failures: entry.failures, checkedMonotonic: UInt64(now * 1e6), message: message)
    entries[index] = entry
    dirty = true
  }

  /// Whether `entry`'s unit is still the active one the checks began on (asked of the manager:
  /// only after a failed check, so a healthy pool costs no call).
  private func stillActive(_ entry: Entry) -> Bool {
    // A manager that does not answer cannot tell: the failure counts, as it did before.
    guard let states = try? manager.unitStates([entry.check.unit]) else { return true }
    guard let state = states[entry.check.unit] else { return false }
    return Self.isCheckable(state) && state.activeEnterMonotonic == entry.activeSince
  }

  /// Whether a unit in `state` runs its process, so a check says something about it.
  private static func isCheckable(_ state: UnitState) -> Bool {
    state.activeState == .active || state.activeState == .reloading
  }

  /// Keeps counters and last results across a restart of the monitor.
  private func restoreState() {
    let saved = stateFile.read()
    for index in entries.indices {
      guard let record = saved[entries[index].check.process] else { continue }
      entries[index].record = record
      entries[index].failures = record.failures
      entries[index].reportedHealthy = record.healthy
    }
  }

  /// Writes the state file.
  private func publish() {
    do {
      try stateFile.write(entries.compactMap(\.record))
    } catch {
      // Checking matters more than publishing: say it once per failed write, and go on.
      if let first = entries.first { hooks.line(first.check, "cannot write \(stateFile.path): \(error)") }
    }
    dirty = false
    lastWrite = MonotonicClock.now()
  }
}

extension LivenessMonitor {
  /// One process being watched.
  struct Entry {
    let check: LivenessCheck
    let target: ProbeTarget
    /// `NAME=value` for a `command` check: ours (the manager's environment) with the process's over it.
    let environment: [String]?
    /// Whether the unit is active (checks run).
    var active = false
    /// When the next check is due (monotonic seconds).
    var next = Double.infinity
    /// Consecutive failures.
    var failures = 0
    /// Whether "healthy" was logged since the last failure or start.
    var reportedHealthy = false
    /// The last result.
    var record: HealthRecord?
    /// When the monitor killed the unit (monotonic µs): checks wait for a process started after it.
    var killedAt: UInt64?
    /// When the unit became active for the checks under way (monotonic µs, `ActiveEnterTimestampMonotonic`).
    var activeSince: UInt64 = 0

    init(check: LivenessCheck, target: ProbeTarget) {
      self.check = check
      self.target = target
      if case .command = target {
        var merged = ProcessInfo.processInfo.environment
        for (name, value) in check.environment { merged[name] = value }
        environment = merged.keys.sorted().map { $0 + "=" + merged[$0]! }
      } else {
        environment = nil
      }
    }
  }

  /// A check under way.
  struct Running {
    /// When it started.
    var started: Double
    /// When it fails for taking too long.
    var deadline: Double
    /// What is being waited for.
    var work: Work
    /// The result, once known.
    var result: Result<String, ProbeAttempt.Failure>?

    init(started: Double, deadline: Double, work: Work) {
      self.started = started
      self.deadline = deadline
      self.work = work
    }
  }

  /// The kinds of work a check waits on.
  enum Work {
    /// A port or plain-HTTP check on a non-blocking socket.
    case socket(SocketCheck)
    /// A `command` check: the shell and its output so far.
    case command(ShellCommand.Child, [UInt8], eof: Bool)
    /// A blocking check on its own thread.
    case thread(ResultBox)
  }

  /// A socket check's progress.
  struct SocketCheck {
    var fd: Int32
    /// The GET to send, for an HTTP check.
    var request: ProbeAttempt.HTTPRequest?
    /// Addresses still to try when this one refuses.
    var rest: ArraySlice<HostResolver.Address>
    var connected: Bool
    var sent = 0
    var buffer: [UInt8] = []

    init(fd: Int32, request: ProbeAttempt.HTTPRequest?, rest: ArraySlice<HostResolver.Address>, connected: Bool) {
      self.fd = fd
      self.request = request
      self.rest = rest
      self.connected = connected
    }
  }

  /// A result handed from a check's thread to the monitor's.
  final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<String, ProbeAttempt.Failure>?

    func set(_ value: Result<String, ProbeAttempt.Failure>) { lock.withLock { result = value } }
    func get() -> Result<String, ProbeAttempt.Failure>? { lock.withLock { result } }
  }
}
