import CgiPoolTestSupport
import Foundation
import Testing

/// `cgipool scale`, `status` and `restart` of a replicated process, run as the built binary
/// against its own private manager.
@Suite(.enabled(if: PrivateManagerFixture.enabled), .serialized) struct ScaleCommandTests {
  static let json = """
    {"name": "iR-cli", "processes": {
      "w": {"command": ["/bin/sh", "-c", "exec sleep 300"], "replicas": 2, "env": {"SLOT": "{replica0:02}"},
        "health_check": {"type": "command", "target": "test {replica} -ge 1", "timeout": 3}},
      "front": {"command": ["sleep", "301"], "depends_on": ["w"]}
    }}
    """

  /// Each row of `status --json`: process and main PID (0 when none).
  static func rows(_ scratch: PoolCommandTests.Scratch) throws -> [(String, Int)] {
    let run = try scratch.run(["status", "--json"])
    let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run)")
    let processes = try #require(document["processes"] as? [[String: Any]])
    return processes.map { (($0["process"] as? String) ?? "?", ($0["mainPID"] as? Int) ?? 0) }
  }

  @Test func scaleChangesTheRunningPoolOnlyAndStopLeavesNothing() throws {
    let scratch = try PoolCommandTests.Scratch(Self.json)
    defer { scratch.tearDown() }
    let start = try scratch.run(["start"])
    #expect(start.status == 0, "\(start)")
    #expect(try Self.rows(scratch).map(\.0) == ["w@1", "w@2", "front"])

    let up = try scratch.run(["scale", "w", "4"])
    #expect(up.status == 0, "\(up)")
    #expect(up.stdout.contains("] active     w@3\n") && up.stdout.contains("] active     w@4\n"), "\(up)")
    #expect(up.stdout.contains("in the running pool only; the config still says 2: the next start uses the config"), "\(up)")
    let grown = try Self.rows(scratch)
    #expect(grown.map(\.0) == ["w@1", "w@2", "w@3", "w@4", "front"])
    #expect(grown.allSatisfy { $0.1 > 0 }, "\(grown)")

    let down = try scratch.run(["scale", "w", "1"])
    #expect(down.status == 0, "\(down)")
    #expect(down.stdout.contains("stopped     w@4\n") && down.stdout.contains("stopped     w@2\n"), "\(down)")
    #expect(down.stdout.contains("note: front still names the removed instances in Wants=: a restart or start of front"), "\(down)")
    let shrunk = try Self.rows(scratch)
    #expect(shrunk.map(\.0) == ["w@1", "front"], "\(shrunk)")
    for (process, pid) in grown where ["w@2", "w@3", "w@4"].contains(process) {
      #expect(!FileManager.default.fileExists(atPath: "/proc/\(pid)"), "\(process) pid \(pid) survived the scale down")
    }

    let refused = try scratch.run(["scale", "front", "3"])
    #expect(refused.status != 0)
    #expect(refused.stderr.contains("front has no replicas"), "\(refused)")
    let zero = try scratch.run(["scale", "w", "0"])
    #expect(zero.status != 0 && zero.stderr.contains("from 1 to 1000"), "\(zero)")

    // Up again, then a stop of the pool: every instance is seen and stopped.
    #expect(try scratch.run(["scale", "w", "3"]).status == 0)
    let before = try Self.rows(scratch)
    #expect(before.count == 4)
    let stop = try scratch.run(["stop"])
    #expect(stop.status == 0, "\(stop)")
    #expect(stop.stdout.contains("stopped     w@3\n") && stop.stdout.contains("nothing of the pool is left running"), "\(stop)")
    for (process, pid) in before {
      #expect(!FileManager.default.fileExists(atPath: "/proc/\(pid)"), "\(process) pid \(pid) survived the stop")
    }
    // The next start runs the config's count again.
    #expect(try scratch.run(["start"]).status == 0)
    #expect(try Self.rows(scratch).map(\.0) == ["w@1", "w@2", "front"])
  }

  @Test func restartRollsAndSaysSo() throws {
    let scratch = try PoolCommandTests.Scratch(Self.json)
    defer { scratch.tearDown() }
    #expect(try scratch.run(["start"]).status == 0)
    let before = Dictionary(uniqueKeysWithValues: try Self.rows(scratch))
    let restart = try scratch.run(["restart", "w"])
    #expect(restart.status == 0, "\(restart)")
    let first = try #require(restart.stdout.range(of: "rolling restart: w@1\n"))
    let second = try #require(restart.stdout.range(of: "rolling restart: w@2\n"))
    let firstUp = try #require(restart.stdout.range(of: "] active     w@1\n"))
    #expect(first.lowerBound < firstUp.lowerBound && firstUp.lowerBound < second.lowerBound, "\(restart)")
    let after = Dictionary(uniqueKeysWithValues: try Self.rows(scratch))
    #expect(after["w@1"] != before["w@1"] && after["w@2"] != before["w@2"])
    #expect(after["front"] == before["front"])
    let logs = try scratch.run(["logs", "w"])
    #expect(logs.status != 0 && logs.stderr.contains("w@1 ... w@2"), "\(logs)")
  }
}
