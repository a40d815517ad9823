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
  /// A script just written can be briefly held open for writing by a child another test
  /// thread forked meanwhile (the descriptor leaks across fork until exec), so `ETXTBSY`
  /// is retried for up to a second.
  public static func spawn(_ argv: [String], newSession: Bool = false) throws -> pid_t {
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
    for fd: Int32 in 0...2 {
      posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0)
    }
    let cArgs = argv.map { strdup($0) } + [nil]
    defer { cArgs.forEach { free($0) } }
    var pid: pid_t = 0
    var status = posix_spawn(&pid, argv[0], &actions, &attributes, cArgs, environ)
    for _ in 0..<200 where status == ETXTBSY {
      usleep(5_000)
      status = posix_spawn(&pid, argv[0], &actions, &attributes, cArgs, environ)
    }
    guard status == 0 else { throw POSIXError(POSIXErrorCode(rawValue: status) ?? .EIO) }
    return pid
  }
}
