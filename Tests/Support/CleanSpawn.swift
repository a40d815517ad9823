import CgiPoolRuntime
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Starts test processes with default signal handling and stdio on /dev/null.
///
/// Foundation's `Process` passes on the test runner's ignored and blocked signals, so a
/// process it starts could not be stopped with SIGTERM the way a real orphan would be.
public enum CleanSpawn {
  /// Spawns `argv` (absolute `argv[0]`), optionally in a new session; returns its PID.
  ///
  /// stdin is `stdin` (/dev/null by default); stdout and stderr go to the given files (created or truncated),
  /// `nil` keeps the test's own. `environment` replaces the test's environment when given.
  /// A script just written can be briefly held open for writing by a child another test
  /// thread forked meanwhile (the descriptor leaks across fork until exec), so `ETXTBSY`
  /// is retried for up to a second.
  public static func spawn(
    _ argv: [String], newSession: Bool = false, stdin: String = "/dev/null", stdout: String? = "/dev/null",
    stderr: String? = "/dev/null", environment: [String: String]? = nil
  ) throws -> pid_t {
    var actions: [ChildProcess.FileAction] = [.open(fd: 0, path: stdin, flags: O_RDONLY, mode: 0)]
    for (fd, path) in [(Int32(1), stdout), (Int32(2), stderr)] {
      guard let path else { continue }
      actions.append(.open(fd: fd, path: path, flags: O_WRONLY | O_CREAT | O_TRUNC, mode: 0o644))
    }
    let variables = environment.map { $0.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } }
    func attempt() -> Result<pid_t, ChildProcess.Errno> {
      ChildProcess.spawn(argv, environment: variables, grouping: newSession ? .newSession : .inherit, fileActions: actions)
    }
    var result = attempt()
    for _ in 0..<200 {
      guard case .failure(let error) = result, error.code == ETXTBSY else { break }
      usleep(5_000)
      result = attempt()
    }
    switch result {
    case .success(let pid): return pid
    case .failure(let error): throw POSIXError(POSIXErrorCode(rawValue: error.code) ?? .EIO)
    }
  }
}
