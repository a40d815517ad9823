import CgiPoolTestSupport
import Foundation
import Testing

/// `plan` and `apply` with `--host` before any manager is reached: a host that cannot be reached
/// fails within `--connect-timeout` and names the host; a config naming `hosts` is a usage error.
/// (Against real remote managers: `AcrossHostsTests`.)
@Suite struct PlanHostTests {
  @Test(arguments: ["plan", "apply"])
  func anUnreachableHostFailsWithinTheConnectTimeout(_ command: String) throws {
    let scratch = try PoolCommandTests.Scratch(#"{"name": "i15-planhost", "processes": {"a": {"command": ["/bin/sleep", "300"]}}}"#)
    defer { try? FileManager.default.removeItem(atPath: scratch.folder) }
    // A loopback port nothing listens on: ssh is refused at once.
    let host = "root@127.0.0.1:\(FreePort.next())"
    let clock = ContinuousClock()
    let began = clock.now
    let run = try scratch.run([command, "--host", host, "--connect-timeout", "3"])
    #expect(clock.now - began < .seconds(15), "\(run)")
    #expect(run.status == 1, "\(run)")
    #expect(run.stderr.contains(host), "\(run)")
    #expect(!FileManager.default.fileExists(atPath: scratch.folder + "/runtime"), "no private manager was started here")
  }

  @Test(arguments: ["plan", "apply"])
  func aConfigAcrossHostsIsAUsageError(_ command: String) throws {
    let scratch = try PoolCommandTests.Scratch(
      #"{"name": "i15-spread", "hosts": {"w1": "root@127.0.0.1:1"}, "processes": {"a": {"command": ["/bin/sleep", "300"]}, "b": {"host": "w1", "command": ["/bin/sleep", "300"]}}}"#)
    defer { try? FileManager.default.removeItem(atPath: scratch.folder) }
    let run = try scratch.run([command])
    #expect(run.status == 64, "\(run)")
    #expect(run.stderr.contains("names hosts (local, w1 (root@127.0.0.1:1))"), "\(run)")
    #expect(!FileManager.default.fileExists(atPath: scratch.folder + "/runtime"), "nothing was started")
  }
}
