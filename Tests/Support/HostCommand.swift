import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Runs a command on the host and collects its output (the testbed script, curl, ...).
public enum HostCommand {
  /// What one command produced.
  public struct Run: Sendable, CustomStringConvertible {
    /// Standard output.
    public var stdout: String
    /// Standard error.
    public var stderr: String
    /// The exit status.
    public var status: Int32

    /// A compact account for failure messages.
    public var description: String { "status \(status)\n--- stdout ---\n\(stdout)--- stderr ---\n\(stderr)" }

    /// Self when the status is 0, else a `Failure` naming `what`.
    @discardableResult
    public func requiringSuccess(_ what: String) throws -> Self {
      guard status == 0 else { throw Failure(description: "\(what) failed: \(self)") }
      return self
    }
  }

  /// Why a command could not run, or a required one failed.
  public struct Failure: Error, CustomStringConvertible {
    /// What went wrong.
    public var description: String
  }

  /// Runs `argv` (absolute `argv[0]`) with `input` on stdin; after `timeout` seconds it is sent
  /// SIGTERM (by its PID) and the run fails.
  ///
  /// posix_spawn and waitpid, not Foundation's `Process`: `Process` learns of the exit through a
  /// socket the child inherits, so a command that leaves a daemon behind (the testbed's `start`
  /// leaves the container running) would never be seen to finish.
  public static func run(_ argv: [String], input: String? = nil, timeout: TimeInterval = 60) throws -> Run {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cgipool-cmd-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    // Files rather than pipes: a chatty command can never block on a full pipe.
    let paths = ["stdin", "stdout", "stderr"].map { scratch.appendingPathComponent($0).path }
    try Data((input ?? "").utf8).write(to: URL(fileURLWithPath: paths[0]))
    let pid = try CleanSpawn.spawn(argv, stdin: paths[0], stdout: paths[1], stderr: paths[2])
    let deadline = Date().addingTimeInterval(timeout)
    var status: Int32 = 0
    while true {
      let waited = waitpid(pid, &status, WNOHANG)
      if waited == pid { break }
      if waited < 0 && errno != EINTR { throw Failure(description: "waitpid for \(argv[0]) failed: errno \(errno)") }
      if Date() >= deadline {
        kill(pid, SIGTERM)
        _ = waitpid(pid, &status, 0)
        throw Failure(description: "\(argv.joined(separator: " ")) did not finish within \(timeout) s")
      }
      usleep(10_000)
    }
    // WIFEXITED / WEXITSTATUS / WTERMSIG, which the Glibc module does not import as functions.
    let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return Run(
      stdout: String(decoding: try Data(contentsOf: URL(fileURLWithPath: paths[1])), as: UTF8.self),
      stderr: String(decoding: try Data(contentsOf: URL(fileURLWithPath: paths[2])), as: UTF8.self),
      status: exitStatus)
  }
}
