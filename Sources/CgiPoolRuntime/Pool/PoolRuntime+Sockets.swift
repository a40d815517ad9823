import ProcessConfig
import UnitCompiler

extension PoolRuntime {
  /// The socket units of `processes` that have `listen`, in start order.
  func socketUnits(of processes: [String]) -> [UnitDefinition] {
    processes.compactMap { compiled.unit(named: names.socket($0)) }
  }

  /// Starts the sockets of `processes` that are not listening yet and waits for them, so each
  /// service finds its socket listening when it starts (systemd passes only a listening
  /// socket's fds). Returns why a process cannot start, for each socket that failed.
  func startSockets(
    _ processes: [String], submitted: inout [String], deadline: Double
  ) throws(SystemdError) -> [String: String] {
    let sockets = socketUnits(of: processes)
    guard !sockets.isEmpty else { return [:] }
    let services = sockets.map { names.service($0.process!) }
    let loaded = try manager.listedStates(sockets.map(\.name) + services)
    var jobs: [String: String] = [:]  // job path -> process
    for socket in sockets {
      if let state = loaded[socket.name], state.activeState == .active { continue }
      let service = names.service(socket.process!)
      let job: String
      if !usesInstalledUnits, loaded[socket.name] == nil, loaded[service] == nil {
        // systemd refuses to start a socket whose service is not loaded ("Socket service ...
        // not loaded, refusing"): the service is created with it, in the same call, unstarted.
        var unit = transientUnits[socket.name]!
        unit.aux = [transientUnits[service]!]
        job = try manager.startTransientUnit(unit)
      } else {
        job = try submit(socket, loaded: loaded[socket.name] != nil)
      }
      jobs[job] = socket.process!
      submitted.append(socket.name)
    }
    guard !jobs.isEmpty else { return [:] }
    var failures: [String: String] = [:]
    let finished = try manager.waitForJobs(
      Set(jobs.keys), timeout: max(1, min(30, deadline - MonotonicClock.now())), progress: { _ in })
    for process in Set(jobs.values).sorted() {
      let unit = names.socket(process)
      let completion = finished.first { jobs[$0.job] == process }
      if completion?.result == .done, let state = try manager.unitState(unit), state.activeState == .active { continue }
      let result = (try? manager.unitState(unit))??.result.rawValue ?? "gone"
      let addresses = pool.processes[process]!.listen.map(\.description).joined(separator: ", ")
      failures[process] =
        "its socket \(unit) could not listen on \(addresses) (job \(completion.map { "\($0.result)" } ?? "timeout"), result \(result)); "
        + "is another program using the address?"
    }
    return failures
  }
}
