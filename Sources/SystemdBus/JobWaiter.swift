#if canImport(Glibc)
import Glibc
#endif

/// Waits for systemd jobs to finish by watching the manager's `JobRemoved(uoss)` signal.
///
/// Create it (through `SystemdManager.makeJobWaiter()`) BEFORE enqueuing jobs: it installs the
/// match and calls `Subscribe` first, so that no `JobRemoved` is missed, including those of jobs
/// pulled in as dependencies. It records every job that finishes from then on.
public final class JobWaiter {
  /// How a job ended: the `result` argument of `JobRemoved`.
  public struct Result: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The raw string systemd sent.
    public var rawValue: String
    /// Creates a result from systemd's string.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The job completed successfully.
    public static let done = Result(rawValue: "done")
    /// The job was canceled before it finished.
    public static let canceled = Result(rawValue: "canceled")
    /// The job timed out.
    public static let timeout = Result(rawValue: "timeout")
    /// The job failed.
    public static let failed = Result(rawValue: "failed")
    /// A required dependency failed.
    public static let dependency = Result(rawValue: "dependency")
    /// The job did not apply (e.g. a condition was not met).
    public static let skipped = Result(rawValue: "skipped")
    /// The job type does not apply to the unit.
    public static let invalid = Result(rawValue: "invalid")

    /// True for `done`.
    public var isSuccess: Bool { self == .done }
    /// The raw string.
    public var description: String { rawValue }
  }

  /// One finished job.
  public struct Outcome: Sendable, Hashable {
    /// The numeric job id.
    public var id: UInt32
    /// The job's object path.
    public var job: String
    /// The unit the job was for.
    public var unit: String
    /// How it ended.
    public var result: Result
  }

  private let manager: SystemdManager
  private var match: BusMatch?
  /// Every job removed since the waiter was created, by job path.
  private var finished: [String: Outcome] = [:]
  /// The order jobs finished in, for `finishedJobs`.
  private var order: [String] = []

  /// Installs the `JobRemoved` match, then calls `Subscribe` (in that order, see the type's doc).
  init(manager: SystemdManager) throws(BusError) {
    self.manager = manager
    let box = OutcomeSink()
    self.match = try manager.connection.addSignalMatch(
      sender: SystemdManager.destination, path: SystemdManager.path,
      interface: SystemdManager.interface, member: "JobRemoved"
    ) { message in
      box.receive(message)
    }
    box.waiter = self
    try manager.subscribe()
  }

  /// Every job that finished since the waiter was created, in the order they finished.
  public var finishedJobs: [Outcome] {
    order.compactMap { finished[$0] }
  }

  /// Waits until every job in `jobs` (object paths) has finished and returns their outcomes by
  /// job path. Jobs that already finished are answered at once.
  ///
  /// Throws a `BusError` with `ETIMEDOUT` when `timeout` elapses first, or the connection's
  /// error when the manager goes away.
  public func wait(for jobs: [String], timeout: Duration = .seconds(90)) throws(BusError) -> [String: Outcome] {
    try wait(for: jobs, timeout: timeout, progress: { _ in })
  }

  /// Like `wait(for:timeout:)`, calling `progress` once per wanted job as it finishes
  /// (at once for jobs that finished already), so callers can report live.
  public func wait(
    for jobs: [String], timeout: Duration = .seconds(90), progress: (Outcome) -> Void,
    shouldStop: () -> Bool = { false }
  ) throws(BusError) -> [String: Outcome] {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    let wanted = Set(jobs)
    var reported = Set<String>()
    while true {
      if shouldStop() {
        throw BusError(errno: ECANCELED, message: "interrupted while waiting for jobs", function: "JobWaiter.wait")
      }
      // Dispatch everything queued (including signals that arrived during earlier calls).
      try manager.connection.processAll()
      // Report what finished. A progress callback may dispatch the queue itself (the runtime
      // asks the manager about a failed unit, and waits for a gone unit's last announcement),
      // so more wanted jobs can be recorded while a pass runs: repeat until none is left
      // unreported, or the check below would end the wait without reporting them.
      var unreported = order.filter { wanted.contains($0) && !reported.contains($0) }
      while !unreported.isEmpty {
        for job in unreported {
          reported.insert(job)
          progress(finished[job]!)
        }
        unreported = order.filter { wanted.contains($0) && !reported.contains($0) }
      }
      let missing = wanted.subtracting(finished.keys)
      if missing.isEmpty { break }
      let remaining = clock.now.duration(to: deadline)
      guard remaining > .zero else {
        throw BusError(
          errno: ETIMEDOUT,
          message: "timed out waiting for job(s) \(missing.sorted().joined(separator: ", "))",
          function: "JobWaiter.wait")
      }
      // Wake up at least every 200 ms so an interruption (Ctrl+C) is noticed promptly.
      do {
        try manager.connection.wait(timeout: min(remaining, .milliseconds(200)))
      } catch where error.errno == EINTR {
        continue
      }
    }
    var result: [String: Outcome] = [:]
    for job in wanted { result[job] = finished[job] }
    return result
  }

  /// Waits for one job and returns its result.
  public func wait(for job: String, timeout: Duration = .seconds(90)) throws(BusError) -> Outcome {
    let outcomes = try wait(for: [job], timeout: timeout)
    // `wait(for:)` only returns once every wanted job is present.
    return outcomes[job]!
  }

  fileprivate func record(_ outcome: Outcome) {
    if finished[outcome.job] == nil { order.append(outcome.job) }
    finished[outcome.job] = outcome
  }
}

/// Decodes `JobRemoved` signals for a waiter; holds it weakly so the match (owned by the waiter)
/// does not keep the waiter alive.
private final class OutcomeSink {
  weak var waiter: JobWaiter?

  func receive(_ message: BusMessage) {
    // A malformed signal is ignored: it cannot be one of the jobs we wait for.
    guard let values = try? message.readAll(), values.count == 4,
      case .uint32(let id) = values[0], case .objectPath(let job) = values[1],
      case .string(let unit) = values[2], case .string(let result) = values[3]
    else { return }
    waiter?.record(JobWaiter.Outcome(id: id, job: job, unit: unit, result: JobWaiter.Result(rawValue: result)))
  }
}
