import CgiPoolTestSupport
import Foundation
import Testing

/// `plan` and `apply` with `--host` before any manager is reached: a host that cannot be reached
/// fails within `--connect-timeout` and names the host, also among a config's `hosts`.
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

  /// A config naming `hosts` is planned host by host; one that cannot be reached is reported,
  /// the others still planned, and apply then changes nothing anywhere.
  @Test(arguments: ["plan", "apply"])
  func aConfigAcrossHostsWithAnUnreachableHostPlansTheOthersAndAppliesNothing(_ command: String) throws {
    let port = FreePort.next()
    let scratch = try PoolCommandTests.Scratch(
      #"{"name": "i16-spread", "hosts": {"w1": "root@127.0.0.1:\#(port)"}, "processes": {"a": {"command": ["/bin/sleep", "300"]}, "b": {"host": "w1", "command": ["/bin/sleep", "300"]}}}"#)
    defer { try? FileManager.default.removeItem(atPath: scratch.folder) }
    let run = try scratch.run([command, "--connect-timeout", "3"])
    #expect(run.status == 1, "\(run)")
    let output = run.stdout + run.stderr
    #expect(output.contains("host w1"), "\(run)")
    #expect(output.contains("127.0.0.1:\(port)"), "the unreachable host's address is named: \(run)")
    if command == "plan" {
      // This machine runs no manager: its part would be started.
      #expect(run.stdout.contains("== host local"), "\(run)")
      #expect(run.stdout.contains("+ add        a (i16-spread-a.service)"), "\(run)")
    } else {
      #expect(run.stderr.contains("nothing was applied"), "\(run)")
    }
    #expect(!FileManager.default.fileExists(atPath: scratch.folder + "/runtime"), "no private manager was started here")
  }
}
