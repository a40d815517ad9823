import Foundation
import Testing

extension Faults {
  /// Case 7: `cgipool start` killed with SIGKILL while a slow dependency's probe waits.
  @Suite struct InterruptedStart {
    /// PIDs of the fixture services this test started (their command line names its folder).
    static func fixturePIDs(_ folder: String) -> [Int32] {
      let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
      return entries.compactMap(Int32.init).filter { pid in
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        let words = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        return words.contains { $0.hasSuffix("late_port.py") } && words.contains(folder)
      }.sorted()
    }

    @Test func unitsFinishUnderSystemdAndASecondStartDuplicatesNothing() throws {
      let folder = NSTemporaryDirectory() + "cgipool-interrupted-" + UUID().uuidString
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      let command = CgiPoolCommand(folder: folder)
      defer { command.tearDown() }
      let fixture = RuntimeHarness.fixtures + "/late_port.py"
      let (slowPort, appPort) = (RuntimeHarness.freePort(), RuntimeHarness.freePort())
      let json = """
        {"name": "cut", "processes": {
          "slow": {"command": ["/usr/bin/python3", "\(fixture)", "slow", "\(slowPort)", "1500", "\(folder)"],
            "restart_policy": "always", "health_check": {"type": "port", "target": "\(slowPort)", "timeout": 10}},
          "app": {"command": ["/usr/bin/python3", "\(fixture)", "app", "\(appPort)", "0", "\(folder)"],
            "depends_on": ["slow"], "health_check": {"type": "port", "target": "\(appPort)", "timeout": 10}}
        }}
        """
      try json.write(toFile: command.config, atomically: true, encoding: .utf8)

      // 1. Kill the first start once the slow dependency runs but before it can be healthy.
      let first = try command.spawn(["start"], name: "first")
      let slowStarted = RuntimeHarness.stamp(folder + "/slow.start", timeout: 30)
      kill(first, SIGKILL)
      var status: Int32 = 0
      waitpid(first, &status, 0)
      try #require(slowStarted != nil, "the slow service never started")
      #expect(FileManager.default.fileExists(atPath: folder + "/slow.bound") == false, "killed too late to be mid-start")

      // 2. A second start joins what systemd is doing and completes.
      let second = try command.run(["start"])
      #expect(second.status == 0, "\(second)")
      #expect(second.stdout.contains("2/2 processes up"), "\(second)")
      let afterSecond = try command.statusJSON()
      #expect(afterSecond["slow"]?.state == "active" && afterSecond["app"]?.state == "active", "\(afterSecond)")
      // The slow service started once: its start stamp is the first run's, and one copy of each runs.
      #expect(RuntimeHarness.stamp(folder + "/slow.start") == slowStarted)
      let pids = Self.fixturePIDs(folder)
      #expect(pids.count == 2, "\(pids)")
      #expect(Set(pids) == Set([afterSecond["slow"]?.pid, afterSecond["app"]?.pid].compactMap { $0.map(Int32.init) }))

      // 3. A third start finds everything running and changes nothing.
      let third = try command.run(["start"])
      #expect(third.status == 0, "\(third)")
      #expect(third.stdout.contains("running    slow (already running)") && third.stdout.contains("running    app (already running)"), "\(third)")
      let afterThird = try command.statusJSON()
      #expect(afterThird["slow"]?.pid == afterSecond["slow"]?.pid && afterThird["app"]?.pid == afterSecond["app"]?.pid)
      #expect(Self.fixturePIDs(folder) == pids)
    }
  }
}
