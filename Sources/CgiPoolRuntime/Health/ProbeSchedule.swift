/// When a probe retries: every 5 ms at first (10 ms for a command, which starts a shell
/// per attempt), so readiness is noticed within a few milliseconds, then backing off to
/// 0.5 s so a long wait costs almost no CPU.
public struct ProbeSchedule: Sendable, Equatable {
  /// Pause between the first attempts, in seconds.
  public var initialInterval: Double = 0.005
  /// How long attempts stay at the initial pace.
  public var fastPhase: Double = 2
  /// Growth factor per attempt after the fast phase.
  public var growth: Double = 1.25
  /// The longest pause between attempts.
  public var maximumInterval: Double = 0.5

  /// Creates the default schedule.
  public init() {}

  /// The schedule for `target`: a connect attempt costs microseconds, a command a shell.
  public static func `for`(_ target: ProbeTarget) -> ProbeSchedule {
    var schedule = ProbeSchedule()
    if case .command = target { schedule.initialInterval = 0.01 }
    return schedule
  }

  /// The pause before the next attempt, `elapsed` seconds into probing after a pause of `previous`.
  public func pause(after previous: Double, elapsed: Double) -> Double {
    if elapsed < fastPhase { return initialInterval }
    return min(maximumInterval, max(initialInterval, previous) * growth)
  }

  /// Every pause a probe would take within `duration` seconds if each attempt took no time.
  ///
  /// The plan the probe follows, for tests and documentation: the gaps bound how late
  /// readiness can be noticed, and their count bounds what a long wait costs.
  public func pauses(within duration: Double) -> [Double] {
    var result: [Double] = []
    var elapsed = 0.0
    var pause = 0.0
    while true {
      pause = self.pause(after: pause, elapsed: elapsed)
      guard elapsed + pause < duration else { break }
      result.append(pause)
      elapsed += pause
    }
    return result
  }
}
