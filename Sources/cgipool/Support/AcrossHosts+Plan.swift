import ArgumentParser
import CgiPoolRuntime
import Foundation
import ProcessConfig
import UnitCompiler

extension AcrossHosts {
  /// One host's part of `plan` across hosts.
  struct HostPlanResult {
    /// The host's name in the config.
    var host: String
    /// Its plan; nil when `error` says why there is none.
    var plan: PoolPlan?
    /// The manager compared with, as `plan` names it.
    var manager: String
    /// Why the host could not be planned.
    var error: String?
    /// The session the plan was made on (apply carries it out there); nil when no manager runs.
    var session: RuntimeSession?
  }

  /// Each host's plan, the hosts asked in parallel: its manager's units against its part of the
  /// config, and its env files' times read on that machine. A host with no manager running
  /// (this machine without a private manager) would get every process of its part started.
  func plans(startPrivate: Bool, resolved: [String: ResolvedPool]) -> [HostPlanResult] {
    let connections = connect(plan.hosts, startPrivate: startPrivate, resolved: resolved)
    let results = Locked([HostPlanResult?](repeating: nil, count: connections.count))
    inParallel(connections.count) { index in
      let connection = connections[index]
      var entry = HostPlanResult(host: connection.host, plan: nil, manager: "", error: connection.error, session: nil)
      if let session = connection.session {
        entry.manager = session.runtime.manager.managerDescription
        entry.session = session
        do {
          entry.plan = try session.runtime.plan(modificationTimes: modificationTimes(on: connection.host))
        } catch {
          entry.error = "\(error)"
        }
      } else if connection.error == nil {
        entry.manager = "no manager (none running)"
        entry.plan = PoolPlan.startingEverything(plan.subPool(for: connection.host))
      }
      results.withValue { $0[index] = entry }
    }
    return results.value.compactMap { $0 }
  }

  /// Where `host`'s env files are: on that machine, read with `stat` over ssh; here for this one.
  func modificationTimes(on host: String) -> PoolRuntime.ModificationTimes {
    guard let address = plan.address(of: host), let remote = RemoteHost(address) else {
      return PoolRuntime.localModificationTimes
    }
    let timeout = manager.connectTimeout
    return { (paths: [String]) throws(SystemdError) -> [String: UInt64] in
      try ManagerOptions.remoteModificationTimes(paths, host: remote, connectTimeout: timeout)
    }
  }

  /// `apply` across hosts: every host planned first (nothing changes, and no manager is started,
  /// when one cannot be reached), then each host's plan carried out, one host after the other in the order its
  /// processes start (a host whose processes depend on another's comes after it). A
  /// dependency's change restarts dependents on its own host only: restarts do not cross
  /// managers, as `depends_on` propagates none.
  func apply() throws -> Bool {
    let resolved = try resolveAll()
    var results = plans(startPrivate: false, resolved: resolved)
    let failed = results.filter { $0.error != nil }
    if !failed.isEmpty {
      for result in failed {
        printError("error: host \(result.host): \(result.error ?? "") (nothing was applied)")
      }
      return false
    }
    // Every host answered: where no manager runs yet (this machine), one is started now.
    for (index, result) in results.enumerated() where result.session == nil {
      guard let session = connect([result.host], startPrivate: true, resolved: resolved).first?.session else {
        printError("error: host \(result.host): no manager could be started (nothing was applied)")
        return false
      }
      results[index].session = session
      results[index].manager = session.runtime.manager.managerDescription
    }
    let byHost = Dictionary(uniqueKeysWithValues: results.map { ($0.host, $0) })
    var order: [String] = []
    for stage in plan.stages() { for step in stage where !order.contains(step.host) { order.append(step.host) } }
    order += plan.hosts.filter { !order.contains($0) }
    print(Self.planText(results.sorted { order.firstIndex(of: $0.host)! < order.firstIndex(of: $1.host)! }, pool: plan.pool.name))
    let clock = ContinuousClock()
    let began = clock.now
    var ok = true
    for host in order {
      guard let result = byHost[host], let hostPlan = result.plan, hostPlan.hasChanges, let session = result.session else { continue }
      let runtime = session.runtime
      if runtime.usesInstalledUnits && hostPlan.needsUnitFiles {
        printError("error: host \(host): the pool runs from installed unit files there: run `cgipool install --host` with its part of the config")
        ok = false
        continue
      }
      do {
        let report = try runtime.apply(
          hostPlan, stopped: { report in for line in report.results.map(StopOutput.line) { print("[\(host)] \(line)") } },
          progress: { event in print("[\(host)] " + StartOutput.line(for: event, elapsed: clock.now - began)) },
          rolling: { instance in print("[\(host)] rolling restart: \(instance)") })
        if let halted = report?.halted, let report { printError("[\(host)] " + StartOutput.halt(halted, start: report.start)) }
        if let report, !report.succeeded { ok = false }
        print("[\(host)] applied")
      } catch {
        printError("error: host \(host): \(error)")
        ok = false
      }
    }
    return ok
  }

  /// Each host's plan as `plan` prints one, under a line naming the host.
  static func planText(_ results: [HostPlanResult], pool: String) -> String {
    results.map { result in
      let header = "== host \(result.host)"
      guard let plan = result.plan else { return header + "\nerror: \(result.error ?? "no plan")" }
      return header + "\n" + PlanOutput.text(plan, pool: pool, manager: result.manager)
    }.joined(separator: "\n")
  }

  /// Each host's plan as data: `{"pool", "changes", "hosts": [{"host", "error"?, "plan"?}]}`.
  static func planJSON(_ results: [HostPlanResult], pool: String) -> String {
    let hosts: [[String: Any]] = results.map { result in
      var entry: [String: Any] = ["host": result.host]
      if let plan = result.plan { entry["plan"] = PlanOutput.document(plan, pool: pool) }
      if let error = result.error { entry["error"] = error }
      return entry
    }
    let document: [String: Any] = [
      "pool": pool, "changes": results.contains { $0.plan?.hasChanges ?? false }, "hosts": hosts,
    ]
    let data = (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .prettyPrinted])) ?? Data()
    return String(decoding: data, as: UTF8.self)
  }
}
