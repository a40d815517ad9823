import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Checks a target repeatedly until it is healthy or the timeout passes.
public struct HealthProbe: Sendable {
  /// What to check.
  public var target: ProbeTarget
  /// Seconds to keep trying.
  public var timeout: Double
  /// Seconds to wait before the first attempt (`startup_delay`).
  public var delay: Double
  /// When to retry.
  public var schedule: ProbeSchedule
  /// The process whose readiness is probed (`$MAINPID` under `ExecStartPost=`): once it
  /// has ended, waiting on is pointless, so the probe gives up at once.
  public var mainPID: Int32?

  /// Creates a probe.
  public init(
    target: ProbeTarget, timeout: Double, delay: Double = 0, schedule: ProbeSchedule? = nil,
    mainPID: Int32? = nil
  ) {
    self.target = target
    self.timeout = timeout
    self.delay = delay
    self.schedule = schedule ?? .for(target)
    self.mainPID = mainPID
  }

  /// Runs the probe to its end and reports what it saw.
  public func run() -> ProbeOutcome {
    // systemd lets a failed main process's ExecStartPost= run to its end, so without
    // this watch a crash at start would cost the whole probe timeout on every restart.
    let delayEnd = MonotonicClock.now() + delay
    while MonotonicClock.now() < delayEnd {
      if let ended = mainProcessEnded(attempts: 0, elapsed: 0, lastFailure: nil) { return ended }
      MonotonicClock.sleep(min(0.05, delayEnd - MonotonicClock.now()))
    }
    let start = MonotonicClock.now()
    let deadline = start + timeout
    var attempts = 0
    var pause = 0.0
    var lastFailure = "no attempt made"
    while true {
      attempts += 1
      let remaining = max(0.05, deadline - MonotonicClock.now())
      // Each attempt gets at most 2 s, so a hung peer cannot eat the whole budget.
      switch ProbeAttempt.run(target, timeout: min(remaining, 2)) {
      case .success(let seen):
        let elapsed = MonotonicClock.now() - start
        return ProbeOutcome(
          healthy: true, message: "\(describe()): \(seen) (\(Self.summary(attempts, elapsed)))",
          attempts: attempts, elapsed: elapsed)
      case .failure(let failure):
        lastFailure = failure.message
      }
      if let ended = mainProcessEnded(attempts: attempts, elapsed: MonotonicClock.now() - start, lastFailure: lastFailure) {
        return ended
      }
      let now = MonotonicClock.now()
      if now >= deadline { break }
      pause = schedule.pause(after: pause, elapsed: now - start)
      MonotonicClock.sleep(min(pause, deadline - now))
    }
    let elapsed = MonotonicClock.now() - start
    return ProbeOutcome(
      healthy: false,
      message: "\(describe()): \(lastFailure); gave up after \(Self.summary(attempts, elapsed)), timeout \(Self.seconds(timeout))",
      attempts: attempts, elapsed: elapsed)
  }

  /// An unhealthy outcome when the watched main process has ended, else `nil`.
  func mainProcessEnded(attempts: Int, elapsed: Double, lastFailure: String?) -> ProbeOutcome? {
    guard let pid = mainPID, !Self.isRunning(pid) else { return nil }
    let seen = lastFailure.map { "; last attempt: \($0)" } ?? ""
    return ProbeOutcome(
      healthy: false,
      message: "\(describe()): the process (PID \(pid)) ended before it became healthy\(seen) (\(Self.summary(attempts, elapsed)))",
      attempts: attempts, elapsed: elapsed)
  }

  /// Whether `pid` is a live process (a zombie has ended): `/proc/<pid>/stat`.
  static func isRunning(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
      let close = stat.lastIndex(of: ")"), stat.index(close, offsetBy: 2) < stat.endIndex
    else { return false }
    let state = stat[stat.index(close, offsetBy: 2)]
    return state != "Z" && state != "X"
  }

  /// Checks the target once, within `timeout` seconds, without the startup delay.
  ///
  /// A liveness check is one such attempt: consecutive failures up to `failure_threshold`,
  /// not retries within one check, absorb a passing blip.
  public func checkOnce() -> ProbeOutcome {
    let start = MonotonicClock.now()
    let result = ProbeAttempt.run(target, timeout: timeout)
    return oneCheck(result, elapsed: MonotonicClock.now() - start)
  }

  /// The outcome of one attempt at the target, however it ran (here, or on the health unit's
  /// non-blocking sockets and child processes), worded the same way.
  func oneCheck(_ result: Result<String, ProbeAttempt.Failure>, elapsed: Double) -> ProbeOutcome {
    switch result {
    case .success(let seen):
      return ProbeOutcome(healthy: true, message: "\(describe()): \(seen)", attempts: 1, elapsed: elapsed)
    case .failure(let failure):
      return ProbeOutcome(
        healthy: false, message: "\(describe()): \(failure.message) (one check, timeout \(Self.seconds(timeout)))",
        attempts: 1, elapsed: elapsed)
    }
  }

  /// A short name of the target: `port 127.0.0.1:8080`, `http http://…`, `command '…'`.
  public func describe() -> String {
    switch target {
    case .port(let host, let port): return "port \(host.contains(":") ? "[\(host)]" : host):\(port)"
    case .http(let url): return "http \(url.absoluteString)"
    case .command(let command): return "command '\(command)'"
    }
  }

  static func summary(_ attempts: Int, _ elapsed: Double) -> String {
    "\(attempts) attempt\(attempts == 1 ? "" : "s") in \(seconds(elapsed))"
  }

  static func seconds(_ value: Double) -> String {
    String(format: "%.2fs", value)
  }
}

/// A monotonic clock in seconds.
enum MonotonicClock {
  /// Seconds since an arbitrary fixed point.
  static func now() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
  }

  /// Sleeps `seconds`.
  static func sleep(_ seconds: Double) {
    guard seconds > 0 else { return }
    var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - Double(Int(seconds))) * 1e9))
    var remaining = timespec()
    while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
  }
}
