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
  /// stdin is /dev/null; stdout and stderr go to the given files (created or truncated),
  /// `nil` keeps the test's own. `environment` replaces the test's environment when given.
  /// A script just written can be briefly held open for writing by a child another test
  /// thread forked meanwhile (the descriptor leaks across fork until exec), so `ETXTBSY`
  /// is retried for up to a second.
  public static func spawn(
    _ argv: [String], newSession: Bool = false, stdout: String? = "/dev/null", stderr: String? = "/dev/null",
    environment: [String: String]? = nil
  ) throws -> pid_t {
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var all = sigset_t()
    sigfillset(&all)
    var none = sigset_t()
    sigemptyset(&none)
    posix_spawnattr_setsigdefault(&attributes, &all)
    posix_spawnattr_setsigmask(&attributes, &none)
    // POSIX_SPAWN_SETSID (glibc, 0x80) is hidden behind _GNU_SOURCE in the Glibc module.
    let setSession: Int32 = newSession ? 0x80 : 0
    posix_spawnattr_setflags(&attributes, Int16(setSession | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    for (fd, path) in [(Int32(1), stdout), (Int32(2), stderr)] {
      guard let path else { continue }
      posix_spawn_file_actions_addopen(&actions, fd, path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    }
    let cArgs = argv.map { strdup($0) } + [nil]
    let cEnvironment: [UnsafeMutablePointer<CChar>?]? = environment.map { variables in
      variables.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
    }
    defer {
      cArgs.forEach { free($0) }
      cEnvironment?.forEach { free($0) }
    }
    var pid: pid_t = 0
    func attempt() -> Int32 {
      if let cEnvironment {
        return posix_spawn(&pid, argv[0], &actions, &attributes, cArgs, cEnvironment)
      }
      return posix_spawn(&pid, argv[0], &actions, &attributes, cArgs, environ)
    }
    var status = attempt()
    for _ in 0..<200 where status == ETXTBSY {
      usleep(5_000)
      status = attempt()
    }
    guard status == 0 else { throw POSIXError(POSIXErrorCode(rawValue: status) ?? .EIO) }
    return pid
  }
}
