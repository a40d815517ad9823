import Foundation
import Testing

@testable import ProcessConfig

/// Issue 13: what `execve` would refuse is refused by validation, with the path, at the exact
/// kernel boundaries (MAX_ARG_STRLEN per string, ARG_MAX for everything).
@Suite struct KernelLimitTests {
  /// Validates a pool of one process `p` built from `command`, `env` and an optional command check.
  private func problems(command: [String], env: [String: String] = [:], checkCommand: String? = nil) -> [String] {
    var process: [String: Any] = ["command": command, "env": env]
    if let checkCommand { process["health_check"] = ["type": "command", "target": checkCommand] }
    let data = try! JSONSerialization.data(withJSONObject: ["processes": ["p": process]])
    return ConfigText.problems(String(decoding: data, as: UTF8.self), file: "big.json")
  }

  static let limit = KernelLimits.maximumStringBytes - 1  // longest string, without its NUL

  @Test func anArgumentAtTheLimitPassesOneByteMoreIsRefusedWithItsPath() {
    #expect(problems(command: ["echo", String(repeating: "a", count: Self.limit)]).isEmpty)
    let over = problems(command: ["echo", "ok", String(repeating: "a", count: Self.limit + 1)])
    #expect(over.count == 1, "\(over)")
    #expect(over.first?.hasPrefix("processes.p.command[2]: this argument is 131072 bytes") == true, "\(over)")
    #expect(over.first?.contains("MAX_ARG_STRLEN") == true && over.first?.contains("Argument list too long") == true)
    // Bytes, not characters: 65,536 two-byte characters are 131,072 bytes.
    #expect(problems(command: ["echo", String(repeating: "é", count: 65_536)]).count == 1)
    #expect(problems(command: ["echo", String(repeating: "é", count: 65_535)]).isEmpty)
  }

  @Test func anEnvironmentStringCountsNameEqualsValue() {
    let value = String(repeating: "v", count: Self.limit - "NAME=".utf8.count)
    #expect(problems(command: ["x"], env: ["NAME": value]).isEmpty)
    let over = problems(command: ["x"], env: ["NAME": value + "v"])
    #expect(over.count == 1 && over[0].hasPrefix("processes.p.env.NAME: the environment string NAME=... is 131072 bytes"), "\(over)")
  }

  @Test func aHealthCheckCommandIsAnArgumentToo() {
    #expect(problems(command: ["x"], checkCommand: String(repeating: "t", count: Self.limit)).isEmpty)
    let over = problems(command: ["x"], checkCommand: String(repeating: "t", count: Self.limit + 1))
    #expect(over.count == 1 && over[0].hasPrefix("processes.p.health_check.target: the health-check command"), "\(over)")
  }

  @Test func argvPlusEnvironmentOverTwoMebibytesIsRefused() {
    // 120 KB plus 1,000 variables: well within both limits (the round-trip case).
    var env: [String: String] = [:]
    for index in 0..<1_000 { env["V\(index)"] = "value \(index)" }
    #expect(problems(command: ["x", String(repeating: "a", count: 120_000)], env: env).isEmpty)
    // Exactly at ARG_MAX: 16 words whose strings and pointers fill 2 MiB; one more byte is over.
    let words = 16
    let wordBytes = (KernelLimits.maximumArgumentBytes - (words + 1) * KernelLimits.pointerBytes - 2) / words
    var argv = ["x"] + Array(repeating: String(repeating: "w", count: wordBytes - 1), count: words)
    let slack = KernelLimits.maximumArgumentBytes - KernelLimits.argumentBytes(argv: argv, environment: [:])
    argv[1] += String(repeating: "w", count: slack)
    #expect(KernelLimits.argumentBytes(argv: argv, environment: [:]) == KernelLimits.maximumArgumentBytes)
    #expect(problems(command: argv).isEmpty)
    argv[2] += "w"
    let over = problems(command: argv)
    #expect(over.count == 1 && over[0].hasPrefix("processes.p: command and env take 2097153 bytes"), "\(over)")
    #expect(over.first?.contains("ARG_MAX") == true)
  }
}
