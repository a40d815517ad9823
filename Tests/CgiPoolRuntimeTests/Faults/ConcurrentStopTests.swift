import Foundation
import Testing

extension Faults {
  /// Issue 13: a `stop` while a `start` waits for a health probe. The stop wins, nothing is left
  /// running, and the interrupted start says a concurrent stop ended the process: not a crash,
  /// and never "start limit hit".
  @Suite struct ConcurrentStop {
    @Test func stopDuringStartIsReportedAsAConcurrentStop() throws {
      let folder = NSTemporaryDirectory() + "i13-concurrent-" + UUID().uuidString
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      let command = CgiPoolCommand(folder: folder)
      defer { command.tearDown() }
      let port = RuntimeHarness.freePort()
      try """
        {"name": "i13-race", "processes": {
          "db": {"command": ["python3", "-m", "http.server", "\(port)", "--bind", "127.0.0.1"], "restart_policy": "always",
            "startup_delay": 4, "health_check": {"type": "port", "target": "\(port)", "timeout": 10}},
          "app": {"command": ["sleep", "600"], "depends_on": ["db"]}
        }}
        """.write(toFile: command.config, atomically: true, encoding: .utf8)
      let start = try command.spawn(["start"], name: "start")
      let output = { (try? String(contentsOfFile: folder + "/start.out", encoding: .utf8)) ?? "" }
      #expect(RuntimeHarness.eventually(timeout: 30) { output().contains("submitted  app") }, "\(output())")
      usleep(500_000)
      let stop = try command.run(["stop"])
      #expect(stop.status == 0, "\(stop)")
      var status: Int32 = 0
      waitpid(start, &status, 0)
      let text = output() + ((try? String(contentsOfFile: folder + "/start.err", encoding: .utf8)) ?? "")
      #expect((status >> 8) & 0xff != 0, "the interrupted start must not report success: \(text)")
      #expect(text.contains("db: a concurrent stop ended it"), "\(text)")
      #expect(!text.contains("start limit"), "\(text)")
      #expect(!text.contains("gave up"), "\(text)")
      let after = try command.statusJSON()
      #expect(after.values.allSatisfy { $0.state != "active" && $0.state != "activating" }, "\(after)")
    }
  }
}
