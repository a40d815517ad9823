import ArgumentParser
import CgiPoolRuntime
import Foundation
import ProcessConfig
import UnitCompiler

/// `start`, `stop`, `restart`, `status`, `plan` and `apply` of a pool whose config names `hosts`: one session per
/// host (this machine through the usual manager choice, the others through `--host`'s transport),
/// run as `HostPlan` orders it.
struct AcrossHosts {
  /// One host's connection, or why there is none.
  struct Connection {
    /// The host's name.
    var host: String
    /// Its session; nil when `error` says why not (or no manager runs here and none was started).
    var session: RuntimeSession?
    /// Why the host could not be reached.
    var error: String?
  }

  let plan: HostPlan
  let config: ConfigOptions
  let manager: ManagerOptions

  /// The plan for `config`'s pool when it spreads over hosts; nil for a one-machine pool.
  static func plan(config: ConfigOptions, manager: ManagerOptions, processes: [String]) throws -> AcrossHosts? {
    let pool = try config.load()
    let plan = HostPlan(pool: pool)
    guard plan.isSpread else { return nil }
    if manager.host != nil {
      throw ValidationError("--host cannot be combined with a config that names hosts (\(pool.file)): each process says where it runs")
    }
    if let unknown = pool.unknownProcessesMessage(processes) { throw ValidationError(unknown) }
    return AcrossHosts(plan: plan, config: config, manager: manager)
  }

  /// Every host's name with its address, for headers: `local, web1 (root@web1:22)`.
  var hostList: String {
    plan.hosts.map { host in plan.address(of: host).map { "\(host) (\($0))" } ?? host }.joined(separator: ", ")
  }

  /// Resolves every host's part of the pool before any manager is touched, so an invalid pool
  /// starts nothing; each host's session binds its part to that host's manager.
  func resolveAll() throws -> [String: ResolvedPool] {
    var resolved: [String: ResolvedPool] = [:]
    for host in plan.hosts {
      resolved[host] = try RuntimeSession.resolve(plan.subPool(for: host), config: config)
    }
    return resolved
  }

  /// Connects to `hosts` in parallel, each bounded by `--connect-timeout`.
  /// Each host's units come from its part of `resolved`; nil: no units (`stop`, `status`).
  func connect(_ hosts: [String], startPrivate: Bool, resolved: [String: ResolvedPool]?) -> [Connection] {
    let results = Locked(Array(repeating: Connection(host: "", session: nil, error: nil), count: hosts.count))
    inParallel( hosts.count) { index in
      let host = hosts[index]
      var connection = Connection(host: host, session: nil, error: nil)
      do {
        var locator: ManagerLocator
        if let address = plan.address(of: host) {
          locator = ManagerLocator(selection: .remote(address), pool: plan.pool.name)
          locator.connectTimeout = manager.locator(pool: plan.pool.name).connectTimeout
        } else {
          locator = manager.locator(pool: plan.pool.name)
        }
        if let located = try locator.locate(startPrivate: startPrivate) {
          connection.session = try RuntimeSession.session(
            pool: plan.subPool(for: host), located: located, config: config, manager: manager,
            resolved: resolved?[host])
        }
      } catch {
        connection.error = "\(error)"
      }
      results.withValue { $0[index] = connection }
    }
    return results.value
  }

  // MARK: - start

  /// Starts `requested` (and what they depend on, on any host): stage by stage, the hosts of a
  /// stage in parallel; a stage begins once every earlier stage's processes are active and
  /// healthy. Connects to every host first: when one is unreachable, nothing is started.
  func start(_ requested: [String]) throws -> Bool {
    let resolved = try resolveAll()
    let selected = plan.withDependencies(requested)
    let stages = plan.stages(of: selected)
    let hosts = plan.hosts.filter { host in stages.contains { $0.contains { $0.host == host } } }
    let connections = connect(hosts, startPrivate: true, resolved: resolved)
    let unreachable = connections.filter { $0.session == nil }
    if !unreachable.isEmpty {
      for connection in unreachable {
        printError("error: host \(connection.host): \(connection.error ?? "no manager") (nothing was started)")
      }
      return false
    }
    let sessions = Dictionary(uniqueKeysWithValues: connections.map { ($0.host, $0.session!) })
    print("starting pool \(plan.pool.name) across \(hosts.count) hosts: \(hostList)")
    for host in hosts {
      if let logDirectory = sessions[host]!.runtime.logDirectory {
        try FileManager.default.createDirectory(atPath: logDirectory, withIntermediateDirectories: true)
      }
    }
    let clock = ContinuousClock()
    let began = clock.now
    let output = Locked(())
    var failed: [String] = []
    var up = 0
    var total = 0
    Interrupts.install()
    for (index, stage) in stages.enumerated() {
      if !failed.isEmpty || Interrupts.requested {
        for step in stage {
          for process in step.processes {
            total += 1
            print("[\(step.host)] NOT STARTED \(process): not started: a process of an earlier stage did not start (\(failed.joined(separator: ", ")))")
          }
        }
        continue
      }
      for step in stage {
        for process in step.processes {
          let remote = plan.crossHostDependencies(of: process)
          if !remote.isEmpty {
            print(
              "[\(step.host)] [\(String(format: "%6.2f", (clock.now - began).seconds))s] gate       \(process): "
                + remote.map { "\($0.process) on \($0.host)" }.joined(separator: ", ") + " active and healthy")
          }
        }
      }
      let reports = Locked([String: Result<StartReport, Error>]())
      inParallel( stage.count) { index in
        let step = stage[index]
        let result = Result<StartReport, Error> {
          try sessions[step.host]!.runtime.start(
            step.processes, isCancelled: { Interrupts.requested },
            progress: { event in
              let line = StartOutput.line(for: event, elapsed: clock.now - began)
              output.withValue { _ in print("[\(step.host)] \(line)") }
            })
        }
        reports.withValue { $0[step.host] = result }
      }
      _ = index
      for step in stage {
        total += step.processes.count
        switch reports.value[step.host]! {
        case .success(let report):
          for result in report.results where step.processes.contains(result.process) {
            if result.isSuccess { up += 1 } else { failed.append(result.process) }
          }
        case .failure(let error):
          printError("error: host \(step.host): \(error)")
          failed += step.processes
        }
      }
    }
    let elapsed = String(format: "%.2f", (clock.now - began).seconds)
    print("\(up)/\(total) processes up in \(elapsed)s across \(hosts.count) hosts" + (failed.isEmpty ? "" : "; failed: \(failed.joined(separator: ", "))"))
    return failed.isEmpty && !Interrupts.requested
  }

  // MARK: - stop

  /// Stops `requested` (and their dependents, on any host) in reverse stage order. A host that
  /// cannot be reached is reported and the others are still stopped.
  func stop(_ requested: [String], force: Bool, timeout: Double?) -> Bool {
    let selected = plan.withDependents(requested)
    let stages = Array(plan.stages(of: selected).reversed())
    let hosts = plan.hosts.filter { host in stages.contains { $0.contains { $0.host == host } } }
    let connections = connect(hosts, startPrivate: false, resolved: nil)
    var ok = true
    var sessions: [String: RuntimeSession] = [:]
    for connection in connections {
      if let session = connection.session {
        sessions[connection.host] = session
      } else if let error = connection.error {
        printError("error: host \(connection.host): \(error) (its processes were not stopped)")
        ok = false
      } else {
        print("[\(connection.host)] no manager running: nothing of the pool runs there")
      }
    }
    // A host's last stage stops its whole pool (slice included) when every process is stopping.
    var lastStageOf: [String: Int] = [:]
    for (index, stage) in stages.enumerated() { for step in stage { lastStageOf[step.host] = index } }
    let lastStage = lastStageOf
    let reachable = sessions
    let wholePool = requested.isEmpty
    for (index, stage) in stages.enumerated() {
      let steps = stage.filter { sessions[$0.host] != nil }
      let reports = Locked([String: Result<StopReport, Error>]())
      inParallel( steps.count) { position in
        let step = steps[position]
        let names = wholePool && lastStage[step.host] == index ? [] : step.processes
        let result = Result<StopReport, Error> {
          try reachable[step.host]!.runtime.stop(names, force: force, timeout: timeout)
        }
        reports.withValue { $0[step.host] = result }
      }
      for step in steps {
        switch reports.value[step.host]! {
        case .success(let report):
          for result in report.results { print("[\(step.host)] " + StopOutput.line(result)) }
          if !report.nothingLeft { ok = false }
        case .failure(let error):
          printError("error: host \(step.host): \(error)")
          ok = false
        }
      }
    }
    return ok
  }

  // MARK: - status

  /// Every host's status, queried in parallel; an unreachable host is an error row of its own.
  func status(_ requested: [String]) -> (hosts: [HostStatus], allActive: Bool) {
    let connections = connect(plan.hosts, startPrivate: false, resolved: nil)
    let results = Locked([HostStatus?](repeating: nil, count: connections.count))
    inParallel( connections.count) { index in
      let connection = connections[index]
      let names = plan.processes(on: connection.host).filter { requested.isEmpty || requested.contains($0) }
      var entry = HostStatus(
        host: connection.host, address: plan.address(of: connection.host), manager: nil, error: connection.error,
        processes: [], names: names)
      if let session = connection.session {
        entry.manager = session.located.description
        if !names.isEmpty {
          do {
            entry.processes = try session.runtime.status(names).processes
          } catch {
            entry.error = "\(error)"
          }
        }
      } else if connection.error == nil {
        entry.manager = nil
        entry.error = "no manager running"
      }
      results.withValue { $0[index] = entry }
    }
    let hosts = results.value.compactMap { $0 }
    let allActive = hosts.allSatisfy { $0.error == nil && $0.processes.allSatisfy(\.isActive) }
    return (hosts, allActive)
  }
}

/// One host's part of `status` across hosts.
struct HostStatus: Codable, Equatable {
  /// The host's name in the config (`local` for this machine).
  var host: String
  /// Its `[USER@]HOST[:PORT]`; nil for this machine.
  var address: String?
  /// The manager that answered.
  var manager: String?
  /// Why the host could not be asked.
  var error: String?
  /// Its processes' states.
  var processes: [ProcessStatus]
  /// The processes asked for on this host (shown as unknown when it could not be asked).
  var names: [String]
}

/// Runs `body(0..<count)` on as many threads at once: one per host. Each host's session (its bus
/// connection is not thread-safe) is touched only by its own iteration, and results go through
/// `Locked`, which is why the closure may capture non-Sendable sessions.
func inParallel(_ count: Int, _ body: (Int) -> Void) {
  // One thread per item: the work waits on the network (ssh, the remote managers), not on a
  // core. `concurrentPerform` caps the concurrency at the number of cores, which on a 2-core
  // machine ran a third host only after one of the first two had answered. Every thread is
  // joined, and drops its job, before this returns, so `body` does not outlive the call.
  withoutActuallyEscaping(body) { body in
    var threads: [pthread_t] = []
    for index in 0..<count {
      let job = Unmanaged.passRetained(ThreadJob { body(index) }).toOpaque()
      var thread = pthread_t()
      let created = pthread_create(&thread, nil, { raw in
        Unmanaged<ThreadJob>.fromOpaque(raw!).takeRetainedValue().run()
        return nil
      }, job)
      if created == 0 {
        threads.append(thread)
      } else {
        // No thread to be had: run it here rather than not at all.
        Unmanaged<ThreadJob>.fromOpaque(job).takeRetainedValue().run()
      }
    }
    for thread in threads { pthread_join(thread, nil) }
  }
}

/// One item of `inParallel`, handed to its thread.
private final class ThreadJob {
  let run: () -> Void
  init(_ run: @escaping () -> Void) { self.run = run }
}

/// A value guarded by a lock, for results collected from parallel host queries.
final class Locked<Value>: @unchecked Sendable {
  private var stored: Value
  private let lock = NSLock()

  init(_ value: Value) { stored = value }

  var value: Value { lock.withLock { stored } }

  func withValue<R>(_ body: (inout Value) throws -> R) rethrows -> R {
    try lock.withLock { try body(&stored) }
  }
}

extension Duration {
  /// The duration in seconds.
  var seconds: Double {
    let (whole, fraction) = components
    return Double(whole) + Double(fraction) / 1e18
  }
}
