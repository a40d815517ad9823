#if canImport(Glibc)
  import Glibc
#endif

/// The one `posix_spawn` of cgipool (and of its tests): a child with default signal handling
/// and an empty signal mask, whatever the calling thread had.
///
/// Foundation's `Process` passes the caller's ignored and blocked signals on, so a child it
/// starts could not be stopped with SIGTERM; every spawn goes through here instead.
public enum ChildProcess {
  /// glibc's `POSIX_SPAWN_SETSID`: the child starts a new session. The Glibc module imports it
  /// only under `_GNU_SOURCE`, so it is named here once.
  public static let spawnSetSessionFlag: Int32 = 0x80

  /// Which session and process group the child runs in.
  public enum Grouping: Sendable {
    /// The caller's.
    case inherit
    /// A process group of its own (so a timeout can kill everything it started).
    case newProcessGroup
    /// A session of its own: the caller's terminal and process-group signals never reach it.
    case newSession
  }

  /// One step applied to the child's descriptors before it runs, in order.
  public enum FileAction: Sendable {
    /// `open(path, flags, mode)` onto `fd`.
    case open(fd: Int32, path: String, flags: Int32, mode: mode_t)
    /// `dup2(from, to)`.
    case duplicate(Int32, onto: Int32)
    /// `close(fd)`.
    case close(Int32)
  }

  /// Spawns `argv` (`argv[0]` an absolute path) and returns its PID, or the `errno` of the failure.
  ///
  /// `environment` (`NAME=value` entries) replaces the caller's when given.
  public static func spawn(
    _ argv: [String], environment: [String]? = nil, grouping: Grouping = .inherit, fileActions: [FileAction] = []
  ) -> Result<pid_t, Errno> {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    for action in fileActions {
      switch action {
      case .open(let fd, let path, let flags, let mode): posix_spawn_file_actions_addopen(&actions, fd, path, flags, mode)
      case .duplicate(let from, let to): posix_spawn_file_actions_adddup2(&actions, from, to)
      case .close(let fd): posix_spawn_file_actions_addclose(&actions, fd)
      }
    }
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var all = sigset_t()
    sigfillset(&all)
    var none = sigset_t()
    sigemptyset(&none)
    posix_spawnattr_setsigdefault(&attributes, &all)
    posix_spawnattr_setsigmask(&attributes, &none)
    var flags = Int32(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
    switch grouping {
    case .inherit: break
    case .newProcessGroup:
      flags |= Int32(POSIX_SPAWN_SETPGROUP)
      posix_spawnattr_setpgroup(&attributes, 0)
    case .newSession:
      flags |= spawnSetSessionFlag
    }
    posix_spawnattr_setflags(&attributes, Int16(flags))

    let cArguments = argv.map { strdup($0) } + [nil]
    let cEnvironment = environment.map { $0.map { strdup($0) } + [nil] }
    defer {
      cArguments.forEach { free($0) }
      cEnvironment?.forEach { free($0) }
    }
    var pid: pid_t = 0
    let result: Int32
    if let cEnvironment {
      result = posix_spawn(&pid, argv[0], &actions, &attributes, cArguments, cEnvironment)
    } else {
      result = posix_spawn(&pid, argv[0], &actions, &attributes, cArguments, environ)
    }
    return result == 0 ? .success(pid) : .failure(Errno(code: result))
  }

  /// An `errno` value, as a typed error.
  public struct Errno: Error, Sendable, Equatable {
    /// The value.
    public var code: Int32
  }
}
