import CgiPoolRuntime
import Foundation
import Testing

extension Faults {
  /// Case 4: the health check starts failing while the process keeps running.
  @Suite struct Liveness {
    @Test func failingChecksRestartAnAlwaysProcessAfterTheThreshold() throws {
      // The process marks itself healthy when it starts; the test takes the mark away.
      let json = """
        {"name": "live", "processes": {"web": {"command": ["sh", "-c", "touch healthy; exec sleep 300"],
          "restart_policy": "always", "restart_delay": 0.1,
          "health_check": {"type": "command", "target": "test -e healthy", "timeout": 1, "interval": 1, "failure_threshold": 2}}}}
        """
      try RuntimeHarness.withPool(json) { context in
        #expect(try context.runtime.start().succeeded)
        #expect(try RuntimeHarness.eventually(timeout: 10) { try Faults.status(context, "web").health == "healthy" })
        let before = try Faults.status(context, "web")
        let pid = try #require(before.mainPID)
        #expect(before.restarts == 0)

        try FileManager.default.removeItem(atPath: context.folder + "/healthy")
        let restarted = try RuntimeHarness.eventually(timeout: 20) {
          let status = try Faults.status(context, "web")
          return status.state == .active && status.restarts == 1 && status.mainPID != nil && status.mainPID != pid
        }
        let now = try Faults.status(context, "web")
        #expect(restarted, "\(now)")
        #expect(!RuntimeHarness.isAlive(pid))
        let log = Faults.log(context, "web")
        let first = log.range(of: "unhealthy: command 'test -e healthy': exit 1 (one check, timeout 1.00s) (failure 1 of 2 before a restart)")
        let killing = log.range(of: "(failure 2 of 2): killing live-web.service so systemd restarts it")
        #expect(first != nil && killing != nil, "\(log)")
        if let first, let killing { #expect(first.upperBound <= killing.lowerBound) }
        // The restarted process marked itself healthy again; the next checks say so.
        #expect(try RuntimeHarness.eventually(timeout: 10) {
          let status = try Faults.status(context, "web")
          return status.health == "healthy" && (status.healthAgeSeconds ?? 99) < 1.5
        })
        let after = try Faults.status(context, "web")
        #expect(after.restarts == 1 && after.state == .active && after.note == nil, "\(after)")
      }
    }

    @Test func unhealthyIsShownWhileChecksFail() throws {
      let json = """
        {"name": "sick", "processes": {"web": {"command": ["sh", "-c", "touch healthy; exec sleep 300"],
          "restart_policy": "always",
          "health_check": {"type": "command", "target": "test -e healthy", "timeout": 1, "interval": 1, "failure_threshold": 100}}}}
        """
      try RuntimeHarness.withPool(json) { context in
        #expect(try context.runtime.start().succeeded)
        try FileManager.default.removeItem(atPath: context.folder + "/healthy")
        #expect(try RuntimeHarness.eventually(timeout: 10) { try Faults.status(context, "web").health == "unhealthy" })
        let status = try Faults.status(context, "web")
        #expect(status.state == .active && status.restarts == 0, "below the threshold nothing restarts: \(status)")
      }
    }

    /// Failures counted against a process do not carry over to the process that replaces it
    /// (`cgipool restart`), and a check that fails while the unit stops is not counted at all:
    /// the new process's first failure is its first.
    @Test func aRestartedProcessCountsItsFailuresAfresh() throws {
      // The start's probe passes on its own ($MAINPID is set only there); the liveness checks
      // pass while the file `healthy` exists, which the test takes away.
      let json = """
        {"name": "afresh", "processes": {"web": {"command": ["sh", "-c", "echo run $$; exec sleep 300"],
          "restart_policy": "always", "restart_delay": 0.1, "stop_timeout": 2,
          "health_check": {"type": "command", "target": "test -n \\"$MAINPID\\" || test -e healthy", "timeout": 1, "interval": 1,
            "failure_threshold": 4}}}}
        """
      try RuntimeHarness.withPool(json) { context in
        FileManager.default.createFile(atPath: context.folder + "/healthy", contents: nil)
        #expect(try context.runtime.start().succeeded)
        #expect(try RuntimeHarness.eventually(timeout: 10) { Faults.log(context, "web").contains("healthy: command") })
        try FileManager.default.removeItem(atPath: context.folder + "/healthy")
        #expect(
          try RuntimeHarness.eventually(timeout: 15) { Faults.log(context, "web").contains("(failure 2 of 4 before a restart)") },
          "\(Faults.log(context, "web"))")
        let report = try context.runtime.restart(["web"])
        #expect(report.start.succeeded, "\(report)")
        // The log from the new process's first line on.
        func sinceRestart() -> Substring {
          let log = Faults.log(context, "web")
          guard let last = log.split(separator: "\n").last(where: { $0.hasPrefix("run ") }),
            let range = log.range(of: String(last), options: .backwards)
          else { return "" }
          return log[range.upperBound...]
        }
        #expect(
          try RuntimeHarness.eventually(timeout: 15) { sinceRestart().contains("unhealthy: ") }, "\(Faults.log(context, "web"))")
        let first = sinceRestart().split(separator: "\n").first { $0.contains("unhealthy: ") }
        #expect(first?.hasSuffix("(failure 1 of 4 before a restart)") == true, "\(Faults.log(context, "web"))")
        // Not one failure of the new process, nor one seen while the unit stopped, counted on the old ones.
        #expect(!sinceRestart().contains("(failure 3 of 4"), "\(Faults.log(context, "web"))")
      }
    }
  }
}
