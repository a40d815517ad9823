import CgiPoolRuntime
import CgiPoolTestSupport
import Foundation
import ProcessConfig
import Testing
import UnitCompiler

/// The runtime's start, stop, rollback and restart decisions against `FakeSystemdManager`: no
/// root, milliseconds. The same behaviours are tested against real managers elsewhere.
@Suite struct FakeManagerTests {
  private struct AnyFolder: FileSystemInspecting {
    func isExecutableFile(_ path: String) -> Bool { true }
    func isDirectory(_ path: String) -> Bool { true }
  }

  /// db <- api <- web, and a lone worker; with `apiFollowsDb` api depends on db with `restart: true`.
  private func runtime(_ fake: FakeSystemdManager, command: [String] = ["/bin/app"], apiFollowsDb: Bool = false) throws -> PoolRuntime {
    let check = HealthCheck(kind: .port, target: "8080")
    var api = ProcessSpec(name: "api", command: command, dependsOn: ["db"], healthCheck: check)
    api.dependencies = [Dependency(process: "db", restart: apiFollowsDb)]
    let processes = [
      ProcessSpec(name: "db", command: command, restartPolicy: .no, healthCheck: check),
      api,
      ProcessSpec(name: "web", command: command, dependsOn: ["api"]),
      ProcessSpec(name: "worker", command: command, restartPolicy: .always),
    ]
    let pool = PoolConfig(
      name: "i14fake", processes: Dictionary(uniqueKeysWithValues: processes.map { ($0.name, $0) }),
      file: "fake.json", baseDirectory: "/srv")
    let options = CompileOptions(probeExecutable: "/opt/cgipool", searchPath: "/usr/bin", fileSystem: AnyFolder())
    return PoolRuntime(pool: pool, compiled: try UnitCompiler(options: options).compile(pool), manager: fake, logDirectory: nil)
  }

  private func outcomes(_ report: StartReport) -> [String: ProcessStartResult.Outcome] {
    Dictionary(uniqueKeysWithValues: report.results.map { ($0.process, $0.outcome) })
  }

  @Test func startSubmitsDependenciesFirstAndEverythingComesUp() throws {
    let fake = FakeSystemdManager()
    let report = try runtime(fake).start()
    #expect(report.results.allSatisfy { $0.outcome == .started }, "\(report)")
    let created = fake.calls.filter { $0.hasPrefix("StartTransientUnit") && $0.hasSuffix("-db.service") || $0.hasSuffix("-api.service") || $0.hasSuffix("-web.service") }
    #expect(created == ["StartTransientUnit i14fake-db.service", "StartTransientUnit i14fake-api.service", "StartTransientUnit i14fake-web.service"])
    #expect(fake.calls.first == "StartTransientUnit i14fake.slice")
    #expect(try runtime(fake).status().allActive)
  }

  @Test func aFailedDependencyFailsItsDependentsWithTheReason() throws {
    let fake = FakeSystemdManager()
    fake.behaviours["i14fake-db.service"] = .init(start: .exits(status: 203))
    let results = outcomes(try runtime(fake).start())
    #expect(results["db"] == .failed("cannot execute the command (/bin/app, exit status 203)"))
    #expect(results["api"] == .dependencyFailed("not started: dependency db did not start"))
    #expect(results["web"] == .dependencyFailed("not started: dependency api did not start"))
    #expect(results["worker"] == .started)
  }

  @Test func aSecondStartLeavesRunningUnitsAndSaysWhenTheirDefinitionChanged() throws {
    let fake = FakeSystemdManager()
    _ = try runtime(fake).start()
    let before = fake.calls.count
    let again = outcomes(try runtime(fake).start())
    #expect(again.values.allSatisfy { $0 == .alreadyRunning }, "\(again)")
    #expect(!fake.calls[before...].contains { $0.hasPrefix("StartTransientUnit i14fake-") && $0.hasSuffix("-db.service") })
    let changed = outcomes(try runtime(fake, command: ["/bin/app", "--new"]).start())
    #expect(changed["db"] == .restartNeeded("command changed"))
  }

  @Test func anInterruptedStartStopsWhatItSubmitted() throws {
    let fake = FakeSystemdManager()
    fake.behaviours["i14fake-api.service"] = .init(start: .hangs)
    // Ctrl+C once db is up, while api's start is pending.
    let report = try runtime(fake).start(isCancelled: { fake.states["i14fake-db.service"]?.activeState == .active })
    #expect(report.results.allSatisfy { if case .canceled = $0.outcome { return true } else { return false } }, "\(report)")
    #expect(fake.calls.contains("StopUnit i14fake-api.service") && fake.calls.contains("StopUnit i14fake-db.service"))
    #expect(fake.states["i14fake-db.service"] == nil && fake.states["i14fake-api.service"] == nil)
  }

  @Test func stopIsOneSliceJobAndSaysWhichProcessNeededSIGKILL() throws {
    let fake = FakeSystemdManager()
    fake.behaviours["i14fake-worker.service"] = .init(ignoresSIGTERM: true)
    let runtime = try runtime(fake)
    _ = try runtime.start()
    let report = try runtime.stop()
    let stopped = Dictionary(uniqueKeysWithValues: report.results.map { ($0.process, $0.outcome) })
    #expect(stopped == ["db": .stopped, "api": .stopped, "web": .stopped, "worker": .killed], "\(report)")
    #expect(fake.calls.filter { $0.hasPrefix("StopUnit") } == ["StopUnit i14fake.slice"])
    #expect(try runtime.status().processes.first { $0.process == "worker" }?.state == .failed)
    #expect(try runtime.stop().results.allSatisfy { $0.outcome == .notRunning || $0.process == "worker" })
  }

  @Test func aStartThatNeverFinishesIsReportedAtTheDeadline() throws {
    let fake = FakeSystemdManager()
    fake.behaviours["i14fake-worker.service"] = .init(start: .hangs)
    let clock = ContinuousClock()
    let began = clock.now
    let results = outcomes(try runtime(fake).start(["worker"]))
    // The job is described from the unit's state once the wait gives up: no real time is spent.
    #expect(clock.now - began < .seconds(5))
    #expect(results["worker"] == .failed("start job timeout, job timeout"))
  }

  /// The jobs a restart sent: stops and starts of the pool's units, in order.
  private func jobs(_ fake: FakeSystemdManager, since index: Int) -> [String] {
    fake.calls[index...].filter { $0.hasPrefix("StopUnit") || $0.hasPrefix("StartUnit") || $0.hasPrefix("StartTransientUnit i14fake-") }
  }

  /// A restart goes dependency first, one process at a time, each stopped alone: a dependent
  /// that follows (`restart: true`) is stopped only once its dependency is back, and one that
  /// does not follow is not touched.
  @Test func aRestartGoesDependencyFirstOneProcessAtATime() throws {
    let fake = FakeSystemdManager()
    let runtime = try runtime(fake, apiFollowsDb: true)
    _ = try runtime.start()
    var before = fake.calls.count
    let report = try runtime.restart(["db"])
    #expect(report.start.results.map(\.process) == ["db", "api"], "\(report)")
    #expect(report.start.succeeded && report.halted == nil)
    #expect(
      jobs(fake, since: before) == [
        "StopUnit i14fake-db.service alone", "StartTransientUnit i14fake-db.service",
        "StopUnit i14fake-api.service alone", "StartTransientUnit i14fake-api.service",
      ])
    // Named in any order, they restart in start order.
    before = fake.calls.count
    _ = try runtime.restart(["web", "worker", "db"])
    let stops = jobs(fake, since: before).filter { $0.hasPrefix("StopUnit") }
    #expect(stops.filter { !$0.contains("worker") } == ["StopUnit i14fake-db.service alone", "StopUnit i14fake-api.service alone", "StopUnit i14fake-web.service alone"])
    #expect(stops.contains("StopUnit i14fake-worker.service alone"))
  }

  /// A process that does not come back ends the restart: what follows it keeps running.
  @Test func aRestartStopsAtTheFirstProcessThatDoesNotComeBack() throws {
    let fake = FakeSystemdManager()
    let runtime = try runtime(fake, apiFollowsDb: true)
    _ = try runtime.start()
    fake.behaviours["i14fake-db.service"] = .init(start: .exits(status: 1))
    let before = fake.calls.count
    let report = try runtime.restart(["db"])
    #expect(!report.start.succeeded && report.start.results.map(\.process) == ["db"], "\(report)")
    #expect(!jobs(fake, since: before).contains { $0.contains("-api.service") })
    #expect(fake.states["i14fake-api.service"]?.activeState == .active)
  }
}
