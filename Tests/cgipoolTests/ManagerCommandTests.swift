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
    defer { _ = try? runManagerCommand(["manager", "stop"], environment: environment) }

    let before = try runManagerCommand(["manager", "status"], environment: environment)
    #expect(before.status == 0)
    #expect(before.stdout.contains("private manager: not running (\(runtime))"))

    let started = try runManagerCommand(["manager", "start"], environment: environment)
    #expect(started.status == 0, "stderr: \(started.stderr)")
    #expect(started.stdout.hasPrefix("started private manager at \(runtime) (systemd "))
    let pid = try #require(started.stdout.split(separator: " ").last.flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
    #expect(kill(pid, 0) == 0)

    let again = try runManagerCommand(["manager", "start"], environment: environment)
    #expect(again.status == 0)
    #expect(again.stdout.hasPrefix("already running: private manager at \(runtime)"))
    #expect(again.stdout.hasSuffix("pid \(pid)\n"))

    let status = try runManagerCommand(["manager", "status"], environment: environment)
    #expect(status.stdout.contains("manager: private manager at \(runtime) (systemd "))
    #expect(status.stdout.contains("private manager: running, pid \(pid),"))

    let stopped = try runManagerCommand(["manager", "stop"], environment: environment)
    #expect(stopped.status == 0, "stderr: \(stopped.stderr)")
    #expect(stopped.stdout == "stopped private manager at \(runtime) (pid \(pid))\n")
    #expect(!FileManager.default.fileExists(atPath: runtime))

    let stoppedAgain = try runManagerCommand(["manager", "stop"], environment: environment)
    #expect(stoppedAgain.stdout == "no manager running\n")
  }

  @Test("Conflicting manager flags are a usage error")
  func conflictingFlags() throws {
    let result = try runManagerCommand(["manager", "status", "--system", "--user"], environment: [:])
    #expect(result.status == 64)
    #expect(result.stderr.contains("--system, --user cannot be combined"))
  }
}

/// The output of one run of the `cgipool` binary.
private struct ManagerCommandResult {
  var status: Int32
  var stdout: String
  var stderr: String
}

/// Runs the built `cgipool` (found beside the test bundle, or in the package's `.build/debug`)
/// with `arguments`, adding `environment` to the current one.
private func runManagerCommand(_ arguments: [String], environment: [String: String]) throws -> ManagerCommandResult {
  let process = Process()
  process.executableURL = try cgipoolBinary()
  process.arguments = arguments
  process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
  let out = Pipe()
  let err = Pipe()
  process.standardOutput = out
  process.standardError = err
  try process.run()
  // Read before waiting so a large output cannot block the child.
  let stdout = out.fileHandleForReading.readDataToEndOfFile()
  let stderr = err.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return ManagerCommandResult(
    status: process.terminationStatus,
    stdout: String(decoding: stdout, as: UTF8.self),
    stderr: String(decoding: stderr, as: UTF8.self))
}

private func cgipoolBinary() throws -> URL {
  let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("cgipool")
  let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  let candidates = [besideTests, packageRoot.appendingPathComponent(".build/debug/cgipool")]
  guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
    throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: candidates.map(\.path).joined(separator: ", ")])
  }
  return found
}
