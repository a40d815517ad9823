import CgiPoolRuntime
import Foundation
import Testing

/// The retry plan: fast at first so readiness is noticed quickly, then backing off so a long wait is cheap.
struct ProbeScheduleTests {
  let schedule = ProbeSchedule()

  @Test func fastPhaseRetriesEveryFiveMilliseconds() {
    let pauses = schedule.pauses(within: schedule.fastPhase)
    #expect(!pauses.isEmpty)
    #expect(pauses.allSatisfy { $0 == 0.005 })
    // 5 ms apart: a port that opens is seen at the next attempt, well within 25 ms.
    #expect(pauses.count == 399 || pauses.count == 400, "\(pauses.count)")
  }

  @Test func portAndHTTPChecksRetryFasterThanCommandsWhichStartAShell() throws {
    #expect(ProbeSchedule.for(.port(host: "127.0.0.1", port: 80)).initialInterval == 0.005)
    #expect(ProbeSchedule.for(.http(try #require(URL(string: "http://127.0.0.1/")))).initialInterval == 0.005)
    #expect(ProbeSchedule.for(.command("true")).initialInterval == 0.01)
    #expect(HealthProbe(target: .command("true"), timeout: 1).schedule.initialInterval == 0.01)
  }

  @Test func afterTheFastPhasePausesGrowByAQuarterUpToHalfASecond() {
    let pauses = schedule.pauses(within: 30)
    let slow = Array(pauses.drop { $0 == 0.005 })
    #expect(abs(slow[0] - 0.00625) < 1e-9)
    for (previous, next) in zip(slow, slow.dropFirst()) {
      #expect(abs(next - min(0.5, previous * 1.25)) < 1e-9, "\(previous) -> \(next)")
    }
    #expect(slow.last == 0.5)
    #expect(slow.max() == 0.5)
  }

  @Test func aLongWaitCostsFewAttempts() {
    // 400 fast attempts, about 21 growing ones, then two per second.
    let thirty = schedule.pauses(within: 30).count
    let sixty = schedule.pauses(within: 60).count
    #expect(thirty < 480, "\(thirty)")
    #expect(sixty - thirty == 60, "30 s more should be 60 attempts at 0.5 s, was \(sixty - thirty)")
  }

  @Test func pauseDependsOnlyOnElapsedTimeAndThePreviousPause() {
    #expect(schedule.pause(after: 0, elapsed: 0) == 0.005)
    #expect(schedule.pause(after: 0.3, elapsed: 1.99) == 0.005)
    #expect(schedule.pause(after: 0.005, elapsed: 2) == 0.00625)
    #expect(schedule.pause(after: 0.45, elapsed: 10) == 0.5)
    #expect(schedule.pause(after: 0.5, elapsed: 100) == 0.5)
  }
}
