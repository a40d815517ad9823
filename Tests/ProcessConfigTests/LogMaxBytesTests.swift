import Testing

@testable import ProcessConfig

/// `log_max_bytes`: the pool's log size cap, its default and every rejection with its path.
@Suite struct LogMaxBytesTests {
  private func parse(_ text: String) throws(ConfigError) -> PoolConfig { try ConfigText.parse(text) }

  private func problems(_ text: String) -> [String] { ConfigText.problems(text) }

  @Test func withoutTheKeyTheCapIsTenMebibytes() throws {
    let config = try parse(#"{"processes": {"a": {"command": ["x"]}}}"#)
    #expect(config.logMaxBytes == 10_485_760)
    #expect(PoolKey.logMaxBytes.info.defaultValue == .number(10_485_760))
  }

  @Test func aGivenCapIsKept() throws {
    #expect(try parse(#"{"log_max_bytes": 65536, "processes": {"a": {"command": ["x"]}}}"#).logMaxBytes == 65536)
    #expect(try parse(#"{"log_max_bytes": 1e9, "processes": {"a": {"command": ["x"]}}}"#).logMaxBytes == 1_000_000_000)
  }

  @Test(arguments: ["65535", "0", "-1", "100000.5", "\"10M\"", "null", "1099511627777"])
  func aBadCapIsReportedAtItsPath(_ value: String) {
    let found = problems(#"{"log_max_bytes": \#(value), "processes": {"a": {"command": ["x"]}}}"#)
    #expect(found.count == 1, "\(found)")
    #expect(found.first?.hasPrefix("log_max_bytes: ") == true, "\(found)")
  }
}
