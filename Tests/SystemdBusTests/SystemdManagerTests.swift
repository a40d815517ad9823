import CgiPoolTestSupport
import CgiPoolRuntime
import Foundation
import SystemdBus
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("SystemdManager against a private manager", .serialized, .enabled(if: PrivateManagerFixture.enabled, "needs root"))
struct SystemdManagerTests {
  typealias Fixture = PrivateManagerFixture

  @Test("A transient service starts, is listed, owns its MainPID, and stops")
  func transientServiceLifecycle() throws {
    try Fixture.withPrivateManager { _, manager in
      let name = Fixture.unitName("sleep")
      let waiter = try manager.makeJobWaiter()
      let job = try manager.startTransientUnit(
        name, mode: .fail,
        properties: [
          ("Description", .string("cgipool test sleeper")),
          ("Type", .string("exec")),
          ("ExecStart", Fixture.execStart(["/bin/sleep", "30"])),
        ])
      #expect(job.hasPrefix("/org/freedesktop/systemd1/job/"))
      let outcome = try waiter.wait(for: job, timeout: .seconds(30))
      #expect(outcome.result == .done)
      #expect(outcome.unit == name)

      let listed = try manager.listUnitsByPatterns(patterns: [name])
      #expect(listed.map(\.name) == [name])
      #expect(listed.first?.activeState == "active")
      #expect(listed.first?.subState == "running")
      #expect(listed.first?.description == "cgipool test sleeper")

      let unitPath = try manager.getUnit(name)
      #expect(listed.first?.path == unitPath)
      let service = try manager.properties(path: unitPath, interface: SystemdManager.serviceInterface)
      let mainPID = try #require(service["MainPID"]?.uint64Value.flatMap { UInt32(exactly: $0) })
      #expect(mainPID > 0)
      #expect(try manager.getUnitByPID(mainPID) == unitPath)
      let argv = service["ExecStart"]?.arrayValues?.first?.structFields?[1].arrayValues?.compactMap(\.stringValue)
      #expect(argv == ["/bin/sleep", "30"])
      let unit = try manager.unitProperties(name)
      #expect(unit["Id"]?.stringValue == name)
      #expect(unit["ActiveState"]?.stringValue == "active")

      let stopJob = try manager.stopUnit(name)
      #expect(try waiter.wait(for: stopJob, timeout: .seconds(30)).result == .done)
      // The job can finish (cgroup empty) a moment before the manager reaps the zombie.
      let reaped = poll(timeout: .seconds(10)) { kill(pid_t(mainPID), 0) != 0 }
      #expect(reaped, "the service process \(mainPID) should be gone after its stop job")
      // The stopped transient unit is garbage-collected shortly after its job.
      let gone = poll(timeout: .seconds(10)) {
        do {
          _ = try manager.getUnit(name)
          return false
        } catch {
          return (error as? BusError)?.isNoSuchUnit == true
        }
      }
      #expect(gone, "\(name) should be unloaded after stop")
      #expect(try manager.stopUnitIfLoaded(name) == nil)
    }
  }

  @Test("An unknown unit maps to isNoSuchUnit")
  func noSuchUnit() throws {
    try Fixture.withPrivateManager { _, manager in
      let name = Fixture.unitName("absent")
      let error = try #require(throws: BusError.self) { try manager.getUnit(name) }
      #expect(error.isNoSuchUnit)
      #expect(error.name == "org.freedesktop.systemd1.NoSuchUnit")
      #expect(error.message.contains(name))
      #expect(!error.isUnitExists)
      // StopUnit on it is NoSuchUnit too, which the idempotent helper takes as stopped.
      #expect(try manager.stopUnitIfLoaded(name) == nil)
      #expect(throws: BusError.self) { try manager.stopUnit(name) }
    }
  }

  @Test("A transient unit name cannot be used twice while loaded")
  func unitExists() throws {
    try Fixture.withPrivateManager { _, manager in
      let name = Fixture.unitName("twice")
      let waiter = try manager.makeJobWaiter()
      let properties: [(String, BusValue)] = [
        ("Type", .string("exec")), ("ExecStart", Fixture.execStart(["/bin/sleep", "30"])),
      ]
      let job = try manager.startTransientUnit(name, properties: properties)
      #expect(try waiter.wait(for: job).result == .done)
      let error = try #require(throws: BusError.self) { try manager.startTransientUnit(name, properties: properties) }
      #expect(error.isUnitExists)
      try manager.killUnit(name, who: .all, signal: SIGKILL)
      let dead = poll(timeout: .seconds(10)) {
        (try? manager.unitProperties(name)["ActiveState"]?.stringValue) != "active"
      }
      #expect(dead, "SIGKILL through KillUnit should end the service")
    }
  }

  @Test("A missing executable fails the start job, and reset-failed unloads the unit")
  func missingExecutableFails() throws {
    try Fixture.withPrivateManager { _, manager in
      let name = Fixture.unitName("missing")
      let waiter = try manager.makeJobWaiter()
      let job = try manager.startTransientUnit(
        name, properties: [("Type", .string("exec")), ("ExecStart", Fixture.execStart(["/nonexistent/cgipool-binary"]))])
      let outcome = try waiter.wait(for: job, timeout: .seconds(30))
      #expect(outcome.result == .failed)
      #expect(try manager.unitProperties(name)["ActiveState"]?.stringValue == "failed")
      try manager.resetFailedUnit(name)
      let unloaded = poll(timeout: .seconds(10)) {
        do {
          _ = try manager.getUnit(name)
          return false
        } catch {
          return (error as? BusError)?.isNoSuchUnit == true
        }
      }
      #expect(unloaded)
      try manager.resetFailedUnitIfLoaded(name)
    }
  }

  @Test("A failing requirement gives the dependent job the result 'dependency'")
  func dependencyFailure() throws {
    try Fixture.withPrivateManager { _, manager in
      let base = Fixture.unitName("base")
      let dependent = Fixture.unitName("dependent")
      // The waiter subscribes before the jobs exist, so the pulled-in job of `base` is seen too.
      let waiter = try manager.makeJobWaiter()
      let job = try manager.startTransientUnit(
        dependent,
        properties: [
          ("Type", .string("exec")),
          ("ExecStart", Fixture.execStart(["/bin/sleep", "30"])),
          ("Requires", .strings([base])),
          ("After", .strings([base])),
        ],
        aux: [(base, [("Type", .string("exec")), ("ExecStart", Fixture.execStart(["/nonexistent/cgipool-base"]))])])
      let outcome = try waiter.wait(for: job, timeout: .seconds(30))
      #expect(outcome.result == .dependency)
      let baseOutcome = waiter.finishedJobs.first { $0.unit == base }
      #expect(baseOutcome?.result == .failed)
    }
  }

  @Test("PropertiesChanged reports a unit becoming active")
  func propertiesChanged() throws {
    try Fixture.withPrivateManager { _, manager in
      var events: [SystemdManager.PropertiesChanged] = []
      let watch = try manager.watchUnitProperties { events.append($0) }
      let waiter = try manager.makeJobWaiter()
      let name = Fixture.unitName("watched")
      let job = try manager.startTransientUnit(
        name, properties: [("Type", .string("exec")), ("ExecStart", Fixture.execStart(["/bin/sleep", "30"]))])
      #expect(try waiter.wait(for: job).result == .done)
      let path = try manager.getUnit(name)
      let seen = poll(timeout: .seconds(10)) {
        _ = try? manager.connection.processAll()
        return events.contains {
          $0.path == path && $0.interface == SystemdManager.unitInterface && $0.changed["ActiveState"]?.stringValue == "active"
        }
      }
      #expect(seen, "no PropertiesChanged with ActiveState=active for \(path) among \(events.count) events")
      withExtendedLifetime(watch) {}
    }
  }

  @Test("A job that finishes while a progress callback dispatches the queue is still reported")
  func jobRecordedDuringAProgressCallbackIsReported() throws {
    try Fixture.withPrivateManager { _, manager in
      let waiter = try manager.makeJobWaiter()
      // fast's start job is done at once; slow's 1 s later (its ExecStartPost= sleeps).
      let fast = try manager.startTransientUnit(
        Fixture.unitName("fast"), mode: .fail,
        properties: [("Type", .string("exec")), ("ExecStart", Fixture.execStart(["/bin/sleep", "30"]))])
      let slow = try manager.startTransientUnit(
        Fixture.unitName("slow"), mode: .fail,
        properties: [
          ("Type", .string("exec")), ("ExecStart", Fixture.execStart(["/bin/sleep", "30"])),
          ("ExecStartPost", Fixture.execStart(["/bin/sleep", "1"])),
        ])
      var reported: [String] = []
      let outcomes = try waiter.wait(
        for: [fast, slow], timeout: .seconds(30),
        progress: { outcome in
          reported.append(outcome.job)
          // As the runtime does when it explains a job (lastAnnouncedState): dispatch the queue
          // from inside the callback until slow's JobRemoved has been recorded here.
          guard outcome.job == fast else { return }
          let clock = ContinuousClock()
          let deadline = clock.now.advanced(by: .seconds(20))
          while !waiter.finishedJobs.contains(where: { $0.job == slow }) && clock.now < deadline {
            _ = try? manager.connection.wait(timeout: .milliseconds(50))
            try? manager.connection.processAll()
          }
        })
      #expect(Set(outcomes.keys) == [fast, slow])
      #expect(reported == [fast, slow], "every wanted job is reported through progress, once")
      for job in [fast, slow] { _ = try? manager.stopUnit(outcomes[job]!.unit) }
    }
  }

  @Test("A job wait times out with ETIMEDOUT for a job that never finishes")
  func waitTimesOut() throws {
    try Fixture.withPrivateManager { _, manager in
      let waiter = try manager.makeJobWaiter()
      let error = try #require(throws: BusError.self) {
        try waiter.wait(for: "/org/freedesktop/systemd1/job/999999", timeout: .milliseconds(200))
      }
      #expect(error.isTimeout)
    }
  }

  private func poll(timeout: Duration, _ condition: () -> Bool) -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while clock.now < deadline {
      if condition() { return true }
      usleep(50_000)
    }
    return condition()
  }
}
