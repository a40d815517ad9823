import Foundation
import Testing

/// Issue 13: `check` (and `generate units`, and so `start`) refuses a unit-file line systemd would
/// not read (over 1 MiB after escaping), and what `execve` would refuse, naming the path.
@Suite struct CheckLimitsTests {
  static func write(_ processes: [String: Any]) throws -> String {
    let path = NSTemporaryDirectory() + "i13-limits-" + UUID().uuidString + ".json"
    let data = try JSONSerialization.data(withJSONObject: ["name": "i13-limits", "processes": processes], options: [.sortedKeys])
    try data.write(to: URL(fileURLWithPath: path))
    return path
  }

  @Test func aLineGrownPastOneMebibyteByEscapingIsRefusedWithItsPath() throws {
    // Each word is within MAX_ARG_STRLEN and the argv within ARG_MAX (3 x 120,000 bytes), but a
    // control byte is written \x01 in a unit file: the ExecStart= line is 1.44 MB.
    let word = String(repeating: "\u{1}", count: 120_000)
    let config = try Self.write(["p": ["command": ["/bin/echo", word, word, word]]])
    defer { try? FileManager.default.removeItem(atPath: config) }
    let check = try CgiPoolBinary.run(["check", "--config", config])
    #expect(check.status == 65, "\(check)")
    #expect(check.stderr.contains("processes.p.command: its ExecStart= line in the unit file would be 1440"), "\(check.stderr)")
    #expect(check.stderr.contains("LONG_LINE_MAX"))
    let generate = try CgiPoolBinary.run(["generate", "units", "--stdout", "--config", config])
    #expect(generate.status == 65, "\(generate)")
    #expect(generate.stderr.contains("processes.p.command: its ExecStart= line"), "\(generate.stderr)")
    // `start` refuses it before any manager is touched: no private manager, no runtime folder.
    let runtime = NSTemporaryDirectory() + "i13-limits-runtime-" + UUID().uuidString
    let start = try CgiPoolBinary.run(["start", "--config", config], environment: ["CGIPOOL_RUNTIME_DIR": runtime])
    #expect(start.status == 65, "\(start)")
    #expect(start.stderr.contains("processes.p.command: its ExecStart= line"), "\(start.stderr)")
    #expect(!FileManager.default.fileExists(atPath: runtime), "a manager was started for an invalid pool")
    // Half as many words fit: the line is 720 KB.
    let fits = try Self.write(["p": ["command": ["/bin/echo", word]]])
    defer { try? FileManager.default.removeItem(atPath: fits) }
    let ok = try CgiPoolBinary.run(["check", "--config", fits])
    #expect(ok.status == 0, "\(ok)")
  }

  @Test func checkNamesEveryKernelLimitWithItsPath() throws {
    let config = try Self.write([
      "a": ["command": ["echo", String(repeating: "x", count: 200_000)]],
      "b": ["command": ["echo"] + Array(repeating: String(repeating: "z", count: 100_000), count: 25)],
      "c": ["command": ["echo"], "env": ["BIG": String(repeating: "y", count: 131_100)]],
    ])
    defer { try? FileManager.default.removeItem(atPath: config) }
    let check = try CgiPoolBinary.run(["check", "--config", config])
    #expect(check.status == 65, "\(check)")
    #expect(check.stderr.contains("processes.a.command[1]: this argument is 200000 bytes"), "\(check.stderr)")
    #expect(check.stderr.contains("processes.b: command and env take 2500238 bytes"), "\(check.stderr)")
    #expect(check.stderr.contains("processes.c.env.BIG: the environment string BIG=... is 131104 bytes"), "\(check.stderr)")
    #expect(check.stderr.contains("3 errors in"), "\(check.stderr)")
  }
}
