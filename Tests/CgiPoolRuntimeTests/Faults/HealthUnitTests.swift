import CgiPoolRuntime
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

extension Faults {
  /// Issue 17: one supervised health unit checks every process in-process.
  @Suite struct HealthUnit {
    /// A port that answers while `serving` exists: the check turns bad while the process keeps running.
    static func portServer(_ port: Int) -> String {
      """
      ["python3", "-c", "import os,socket,time\\ns=None\\nwhile True:\\n  if os.path.exists('serving') and s is None:\\n    s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', \(port))); s.listen(64)\\n  if not os.path.exists('serving') and s is not None:\\n    s.close(); s=None\\n  time.sleep(0.05)\\n"]
      """
    }

    @Test func portCheckTurningBadWhileRunningRestartsAfterTheThreshold() throws {
      let port = RuntimeHarness.freePort()
      let json = """
        {"name": "i17-port", "processes": {"web": {"command": \(Self.portServer(port)),
          "restart_policy": "always", "restart_delay": 0.1,
          "health_check": {"type": "port", "target": "\(port)", "timeout": 5, "interval": 1, "failure_threshold": 2}}}}
        """
      try RuntimeHarness.withPool(json) { context in
        FileManager.default.createFile(atPath: context.folder + "/serving", contents: nil)
        #expect(try context.runtime.start().succeeded)
        #expect(try RuntimeHarness.eventually(timeout: 10) { try Faults.status(context, "web").health == "healthy" })
        let pid = try #require(try Faults.status(context, "web").mainPID)
        try FileManager.default.removeItem(atPath: context.folder + "/serving")
        // Still running, no longer accepting: two failed checks, then a kill and a restart.
        #expect(try RuntimeHarness.eventually(timeout: 5) { try Faults.status(context, "web").health == "unhealthy" })
        #expect(RuntimeHarness.isAlive(pid), "the process itself keeps running while its check fails")
        #expect(try RuntimeHarness.eventually(timeout: 10) { try Faults.status(context, "web").restarts >= 1 })
        // The restarted process opens its port again only once `serving` is back: the readiness probe waits for it.
        FileManager.default.createFile(atPath: context.folder + "/serving", contents: nil)
        let restarted = try RuntimeHarness.eventually(timeout: 15) {
          let status = try Faults.status(context, "web")
          return status.restarts >= 1 && status.state == .active && status.mainPID != pid
        }
        let after = try Faults.status(context, "web")
        #expect(restarted, "\(after)")
        #expect(!RuntimeHarness.isAlive(pid))
        let log = Faults.log(context, "web")
        #expect(log.contains("(failure 2 of 2): killing i17-port-web.service so systemd restarts it"), "\(log)")
        #expect(try RuntimeHarness.eventually(timeout: 10) { try Faults.status(context, "web").health == "healthy" })
      }
    }

    @Test func killingTheHealthUnitIsSurvivedAndCheckingGoesOn() throws {
      let json = """
        {"name": "i17-kill", "processes": {"web": {"command": ["sh", "-c", "touch healthy; exec sleep 300"],
          "restart_policy": "always", "restart_delay": 0.1,
          "health_check": {"type": "command", "target": "test -e healthy", "timeout": 1, "interval": 1, "failure_threshold": 3}}}}
        """
      try RuntimeHarness.withPool(json) { context in
        #expect(try context.runtime.start().succeeded)
        let unit = "i17-kill.health.service"
        #expect(try RuntimeHarness.eventually(timeout: 10) { try Faults.status(context, "web").health == "healthy" })
        let first = try #require(try context.runtime.manager.unitState(unit))
        #expect(first.activeState == .active && first.mainPID > 0, "\(first)")
        // One failure is counted before the kill; the count must survive the checker's restart.
        try FileManager.default.removeItem(atPath: context.folder + "/healthy")
        #expect(try RuntimeHarness.eventually(timeout: 5) { try Faults.status(context, "web").health == "unhealthy" })
        #expect(kill(first.mainPID, SIGKILL) == 0)
        let back = try RuntimeHarness.eventually(timeout: 10) {
          guard let state = try context.runtime.manager.unitState(unit) else { return false }
          return state.activeState == .active && state.mainPID > 0 && state.mainPID != first.mainPID
        }
        let restartedUnit = try context.runtime.manager.unitState(unit)
        #expect(back, "systemd restarts the health unit: \(String(describing: restartedUnit))")
        let second = try #require(try context.runtime.manager.unitState(unit))
        #expect(second.restarts >= 1, "\(second)")
        // Checking goes on: the failures continue to the threshold and the process is restarted once.
        let pid = try #require(try Faults.status(context, "web").mainPID)
        #expect(try RuntimeHarness.eventually(timeout: 15) { try Faults.status(context, "web").restarts == 1 })
        #expect(!RuntimeHarness.isAlive(pid))
        #expect(try RuntimeHarness.eventually(timeout: 10) { try Faults.status(context, "web").health == "healthy" })
        #expect(try Faults.status(context, "web").restarts == 1)
      }
    }

    /// A pool of `hanging` processes whose command checks hang once a file `ready` exists, a
    /// `quick` command check and a `web` server checked as `web` says; every check but the hanging
    /// ones runs each second, and no failure count reaches its threshold.
    static func hangingChecks(
      _ name: String, hanging: Int, timeout: Int, hangingInterval: Int, web: String, port: Int
    ) -> String {
      func check(_ fields: String, interval: Int) -> String {
        #"{\#(fields), "timeout": \#(timeout), "interval": \#(interval), "failure_threshold": 100}"#
      }
      let sleeper = #""command": ["sleep", "300"], "restart_policy": "always""#
      var processes = (0..<hanging).map { index in
        #""hang\#(index)": {\#(sleeper), "health_check": \#(check(#""type": "command", "target": "if [ -e ready ]; then sleep 300; fi""#, interval: hangingInterval))}"#
      }
      processes.append(#""quick": {\#(sleeper), "health_check": \#(check(#""type": "command", "target": "true""#, interval: 1))}"#)
      processes.append(
        #""web": {"command": ["python3", "-m", "http.server", "--bind", "127.0.0.1", "\#(port)"], "restart_policy": "always", "health_check": \#(check(web, interval: 1))}"#)
      return #"{"name": "\#(name)", "processes": {\#(processes.joined(separator: ", "))}}"#
    }

    @Test func aHangingCommandCheckCannotStallTheOthers() throws {
      // Five processes whose command checks hang (fewer than the 8 command slots) beside an http check
      // and a quick command check: those two must still be checked every second.
      let port = RuntimeHarness.freePort()
      let json = Self.hangingChecks(
        "i17-hang", hanging: 5, timeout: 3, hangingInterval: 3,
        web: #""type": "http", "target": "http://127.0.0.1:\#(port)/""#, port: port)
      try RuntimeHarness.withPool(json) { context in
        #expect(try context.runtime.start().succeeded)
        FileManager.default.createFile(atPath: context.folder + "/ready", contents: nil)
        let state = try #require(context.runtime.healthState)
        // Let the hanging checks fill their slots, then count the others' checks over 4 seconds.
        MonotonicSleep.seconds(3.5)
        let start = state.read()
        MonotonicSleep.seconds(4)
        let end = state.read()
        for process in ["quick", "web"] {
          let before = try #require(start[process], "\(process) was never checked")
          let after = try #require(end[process])
          #expect(after.healthy, "\(after)")
          #expect(after.checkedMonotonic > before.checkedMonotonic, "\(process) was not checked while the others hung")
          // Checked within the last 1.5 s: every interval, not only when the hanging checks' 3 s timeout ends.
          let now = MonotonicSleep.nowMicroseconds()
          #expect(now - after.checkedMonotonic < 1_500_000, "\(process) last checked \(Double(now - after.checkedMonotonic) / 1e6)s ago")
        }
        let hung = try #require(end["hang0"])
        #expect(!hung.healthy && hung.message.contains("still running after 3"), "\(hung)")
        #expect(try Faults.status(context, "quick").restarts == 0)
      }
    }

    @Test func moreHangingCommandChecksThanSlotsDelayOnlyCommandChecks() throws {
      // Ten hanging command checks for eight command slots: the port check never waits for a slot,
      // and the quick command check still gets one as slots free up (the longest-waiting first).
      let port = RuntimeHarness.freePort()
      let json = Self.hangingChecks(
        "i17-slots", hanging: 10, timeout: 2, hangingInterval: 1, web: #""type": "port", "target": "127.0.0.1:\#(port)""#, port: port)
      try RuntimeHarness.withPool(json) { context in
        #expect(try context.runtime.start().succeeded)
        FileManager.default.createFile(atPath: context.folder + "/ready", contents: nil)
        let state = try #require(context.runtime.healthState)
        MonotonicSleep.seconds(3)
        let start = state.read()
        MonotonicSleep.seconds(5)
        let end = state.read()
        let now = MonotonicSleep.nowMicroseconds()
        let web = try #require(end["web"])
        #expect(web.healthy && now - web.checkedMonotonic < 1_500_000, "the port check waited: \(web)")
        let quickBefore = try #require(start["quick"])
        let quick = try #require(end["quick"])
        #expect(quick.healthy, "\(quick)")
        // Delayed by at most a hanging check's timeout, never stalled.
        #expect(quick.checkedMonotonic > quickBefore.checkedMonotonic, "the quick command check never got a slot")
        #expect(now - quick.checkedMonotonic < 3_500_000, "quick last checked \(Double(now - quick.checkedMonotonic) / 1e6)s ago")
        let hung = (0..<10).compactMap { end["hang\($0)"] }.filter { !$0.healthy }
        #expect(hung.count >= 8, "the hanging checks fail at their timeout: \(hung.count)")
        #expect(try Faults.status(context, "quick").restarts == 0)
        #expect(try Faults.status(context, "web").restarts == 0)
      }
    }
  }
}

/// Sleeping in tests without Foundation's run loop.
enum MonotonicSleep {
  static func seconds(_ value: Double) {
    usleep(UInt32(value * 1e6))
  }

  /// CLOCK_MONOTONIC in microseconds, the clock of the published check times.
  static func nowMicroseconds() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000 + UInt64(spec.tv_nsec) / 1000
  }
}
