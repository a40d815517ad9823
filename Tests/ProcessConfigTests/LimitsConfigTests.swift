import Foundation
import Testing

@testable import ProcessConfig

/// `limits` decodes to exact amounts; the schema and the validator know the same keys.
@Suite struct LimitsConfigTests {
  @Test func limitsDecodeToBytesPercentAndCounts() throws {
    let config = try ConfigLoader.parse(Fixtures.bytes("valid", "limits.json"), file: "limits.json", baseDirectory: "/srv")
    #expect(
      config.processes["worker"]?.limits
        == Limits(memoryBytes: 256 << 20, cpuPercent: 50, tasks: 64, openFiles: 4096))
    #expect(config.processes["small"]?.limits == Limits(memoryBytes: 1_048_576, cpuPercent: 250))
    #expect(config.processes["free"]?.limits.isEmpty == true)
  }

  @Test(arguments: [
    ("1K", UInt64(1024)), ("1k", 1024), ("2048", 2048), ("3M", 3 << 20), ("1G", 1 << 30), ("2T", 2 << 40),
  ])
  func memorySizes(text: String, bytes: UInt64) {
    #expect(ConfigValidator.bytes(text) == bytes)
  }

  @Test(arguments: ["", "M", "1.5G", "-1M", "1MB", "1 M", "١M", "99999999999999999T"])
  func badMemorySizes(text: String) {
    #expect(ConfigValidator.bytes(text) == nil)
  }

  @Test func percentages() {
    #expect(ConfigValidator.percent("1%") == 1)
    #expect(ConfigValidator.percent("100000%") == 100_000)
    for bad in ["0%", "50", "%", "1.5%", "100001%", "-5%", "５0%"] { #expect(ConfigValidator.percent(bad) == nil, "\(bad)") }
  }

  /// The schema's patterns accept what the validator accepts (within the ranges it adds).
  @Test func patternsAgreeWithTheValidator() throws {
    let cpu = try Regex(try #require(LimitsKey.cpu.pattern))
    let memory = try Regex(try #require(LimitsKey.memory.pattern))
    for text in ["1%", "50%", "250%", "100000%", "0%", "50", "1.5%", "%", "-1%", "007%"] {
      if ConfigValidator.percent(text) != nil { #expect(text.wholeMatch(of: cpu) != nil, "\(text)") }
    }
    for text in ["1K", "1024", "256M", "3g", "2T", "1.5G", "1MB", "", "M", "12X"] {
      #expect((ConfigValidator.bytes(text) != nil) == (text.wholeMatch(of: memory) != nil), "\(text)")
    }
    #expect("50".wholeMatch(of: cpu) == nil)
  }

  @Test func schemaDescribesEveryLimitsKeyAndNothingElse() throws {
    let schema = try #require(
      try JSONSerialization.jsonObject(with: Data(ConfigSchema.text().utf8)) as? [String: Any])
    let processes = try #require((schema["properties"] as? [String: Any])?["processes"] as? [String: Any])
    let process = try #require(processes["additionalProperties"] as? [String: Any])
    let limits = try #require((process["properties"] as? [String: Any])?["limits"] as? [String: Any])
    let keys = try #require(limits["properties"] as? [String: Any])
    #expect(keys.keys.sorted() == LimitsKey.names)
    #expect(limits["additionalProperties"] as? Bool == false)
    #expect((keys["tasks"] as? [String: Any])?["maximum"] as? Int == 4_194_304)
  }
}
