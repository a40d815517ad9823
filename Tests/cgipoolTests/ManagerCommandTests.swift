import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// End-to-end tests of `cgipool manager start|status|stop`, running the built binary.
@Suite(
  "cgipool manager", .serialized,
  .enabled(if: geteuid() == 0 || ProcessInfo.processInfo.environment["CI"] == "true", "needs root"))
struct ManagerCommandTests {
  @Test("start, status, start again, stop, stop again")
  func lifecycle() throws {
    try #require(geteuid() == 0, "the private manager needs root (CI=true makes this a failure, not a skip)")
    let runtime = "/tmp/cgipool-cli-test-\(getpid())-\(String(UInt32.random(in: .min ... .max), radix: 16))"
    let environment = ["CGIPOOL_RUNTIME_DIR": runtime]
    // Whatever happens, leave no manager behind.
    defer { _ = try? CgiPoolBinary.run(["manager", "stop"], environment: environment) }

    let before = try CgiPoolBinary.run(["manager", "status"], environment: environment)
    #expect(before.status == 0)
    #expect(before.stdout.contains("private manager: not running (\(runtime))"))

    let started = try CgiPoolBinary.run(["manager", "start"], environment: environment)
    #expect(started.status == 0, "stderr: \(started.stderr)")
    #expect(started.stdout.hasPrefix("started private manager at \(runtime) (systemd "))
    let pid = try #require(started.stdout.split(separator: " ").last.flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
    #expect(kill(pid, 0) == 0)

    let again = try CgiPoolBinary.run(["manager", "start"], environment: environment)
    #expect(again.status == 0)
    #expect(again.stdout.hasPrefix("already running: private manager at \(runtime)"))
    #expect(again.stdout.hasSuffix("pid \(pid)\n"))

    let status = try CgiPoolBinary.run(["manager", "status"], environment: environment)
    #expect(status.stdout.contains("manager: private manager at \(runtime) (systemd "))
    #expect(status.stdout.contains("private manager: running, pid \(pid),"))

    let stopped = try CgiPoolBinary.run(["manager", "stop"], environment: environment)
    #expect(stopped.status == 0, "stderr: \(stopped.stderr)")
    #expect(stopped.stdout == "stopped private manager at \(runtime) (pid \(pid))\n")
    #expect(!FileManager.default.fileExists(atPath: runtime))

    let stoppedAgain = try CgiPoolBinary.run(["manager", "stop"], environment: environment)
    #expect(stoppedAgain.stdout == "no manager running\n")
  }

  @Test("Conflicting manager flags are a usage error")
  func conflictingFlags() throws {
    let result = try CgiPoolBinary.run(["manager", "status", "--system", "--user"], environment: [:])
    #expect(result.status == 64)
    #expect(result.stderr.contains("--system, --user cannot be combined"))
  }
}
