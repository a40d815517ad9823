import Foundation

#if canImport(Glibc)
import Glibc
#endif

// Process, file and cgroup system calls used by the private manager, kept in one place so the
// rest of the Manager folder reads as policy.

/// Thin wrappers over the POSIX calls the private manager needs.
enum Posix {
  /// `geteuid() == 0`.
  static var isRoot: Bool { geteuid() == 0 }

  /// The state of a process as seen by its parent or in `/proc`.
  enum ProcessState: Equatable {
    /// Running (or stopped, sleeping...).
    case alive
    /// Exited: reaped now, a zombie, or not there at all.
    case gone
  }

  /// Whether `pid` still runs. Reaps it when it is our child, and treats a zombie (of a parent
  /// that does not reap) as gone.
  static func state(of pid: pid_t) -> ProcessState {
    var status: Int32 = 0
    let reaped = waitpid(pid, &status, WNOHANG)
    if reaped == pid { return .gone }
    if reaped == 0 { return .alive }
    // Not our child: ask /proc.
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return .gone }
    // The state letter follows the parenthesised command name, which may itself hold spaces.
    guard let close = stat.lastIndex(of: ")") else { return .gone }
    let rest = stat[stat.index(after: close)...].drop { $0 == " " }
    return rest.first == "Z" || rest.first == "X" ? .gone : .alive
  }

  /// The cgroup paths of `pid` from `/proc/<pid>/cgroup` (one per hierarchy), empty if gone.
  static func cgroups(of pid: pid_t) -> [String] {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/cgroup", encoding: .utf8) else { return [] }
    return text.split(separator: "\n").compactMap { line in
      // "<id>:<controllers>:<path>"; the path may contain ':'.
      let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
      return parts.count == 3 ? String(parts[2]) : nil
    }
  }

  /// The command name of `pid` (`/proc/<pid>/comm`, at most 15 bytes), nil when it is gone.
  static func commandName(of pid: pid_t) -> String? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8) else { return nil }
    return text.hasSuffix("\n") ? String(text.dropLast()) : text
  }

  /// `kill(pid, signal)`; true when the signal was sent.
  @discardableResult
  static func signal(_ pid: pid_t, _ signal: Int32) -> Bool {
    kill(pid, signal) == 0
  }

  /// Polls `condition` every `interval` until it holds or `timeout` elapses; true when it held.
  static func poll(timeout: Duration, interval: Duration = .milliseconds(20), _ condition: () -> Bool) -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while true {
      if condition() { return true }
      if clock.now >= deadline { return false }
      let (seconds, attoseconds) = interval.components
      usleep(UInt32(seconds * 1_000_000 + attoseconds / 1_000_000_000_000))
    }
  }

  /// Waits for `pid` to be gone; true when it went away in time.
  static func waitGone(_ pid: pid_t, timeout: Duration) -> Bool {
    poll(timeout: timeout) { state(of: pid) == .gone }
  }

  /// `mkdir(path, mode)`, accepting an existing directory.
  static func makeDirectory(_ path: String, mode: mode_t) throws(ManagerError) {
    if mkdir(path, mode) != 0 && errno != EEXIST {
      throw .fileSystem(operation: "mkdir", path: path, errno: errno)
    }
  }

  /// `mkdir -p` with `mode` for every created component.
  static func makeDirectories(_ path: String, mode: mode_t) throws(ManagerError) {
    var prefix = ""
    for component in path.split(separator: "/") {
      prefix += "/" + component
      try makeDirectory(prefix, mode: mode)
    }
  }

  /// True when `path` exists (any type).
  static func exists(_ path: String) -> Bool {
    access(path, F_OK) == 0
  }

  /// True when `path` is a directory.
  static func isDirectory(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
  }

  /// True when `path` is an executable file.
  static func isExecutable(_ path: String) -> Bool {
    access(path, X_OK) == 0 && !isDirectory(path)
  }

  /// The file system type and super options of the mount whose mount point is exactly `path`
  /// (from `/proc/self/mountinfo`; `statfs` is not importable here), nil when nothing is mounted
  /// there. The last mount on a point wins, as it is the visible one.
  static func mount(at path: String) -> (type: String, options: [String])? {
    MountTable.read()?.mount(at: path).map { ($0.type, $0.superOptions) }
  }

  /// The sub-directories of `path`, sorted by name.
  static func subdirectories(_ path: String) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
    return names.sorted().map { path + "/" + $0 }.filter(isDirectory)
  }

  /// Removes `path` and everything below it (no error when it is absent).
  static func removeTree(_ path: String) throws(ManagerError) {
    guard exists(path) else { return }
    do {
      try FileManager.default.removeItem(atPath: path)
    } catch {
      throw .fileSystem(operation: "remove", path: path, errno: (error as NSError).code == 0 ? EIO : Int32(clamping: (error as NSError).code))
    }
  }

  /// The last `maxBytes` of a text file, trimmed to whole lines; empty when unreadable.
  static func tail(of path: String, maxBytes: Int = 2_000) -> String {
    guard let data = FileManager.default.contents(atPath: path) else { return "" }
    let slice = data.suffix(maxBytes)
    var text = String(decoding: slice, as: UTF8.self)
    if slice.count < data.count, let newline = text.firstIndex(of: "\n") {
      text = String(text[text.index(after: newline)...])
    }
    return text.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// An exclusive `flock` on a directory, released in `deinit` (closing the descriptor).
  final class DirectoryLock {
    private let fd: Int32

    /// Locks `path` (a directory), waiting for other holders.
    ///
    /// It must be a real folder owned by this user: a symbolic link (`O_NOFOLLOW`) or another
    /// user's folder is refused, since the manager's socket and state file go in it. With
    /// `private`, its mode is made 0700 through the descriptor (`fchmod`, never a path that
    /// could be swapped in between).
    init(_ path: String, private makePrivate: Bool = false) throws(ManagerError) {
      let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
      guard fd >= 0 else {
        let failure = errno
        if failure == ELOOP || failure == ENOTDIR {
          var info = stat()
          if lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK {
            throw .unsafeFolder(path: path, reason: "it is a symbolic link")
          }
          throw .unsafeFolder(path: path, reason: "it is not a folder")
        }
        throw .fileSystem(operation: "open", path: path, errno: failure)
      }
      var info = stat()
      guard fstat(fd, &info) == 0 else {
        let failure = errno
        close(fd)
        throw .fileSystem(operation: "fstat", path: path, errno: failure)
      }
      guard info.st_uid == geteuid() else {
        close(fd)
        throw .unsafeFolder(path: path, reason: "it is owned by uid \(info.st_uid), not by uid \(geteuid())")
      }
      if makePrivate && (info.st_mode & 0o7777) != 0o700 && fchmod(fd, 0o700) != 0 {
        let failure = errno
        close(fd)
        throw .fileSystem(operation: "chmod", path: path, errno: failure)
      }
      guard flock(fd, LOCK_EX) == 0 else {
        let failure = errno
        close(fd)
        throw .fileSystem(operation: "flock", path: path, errno: failure)
      }
      self.fd = fd
    }

    /// True while `path` still names the locked directory (a stop may have removed it meanwhile).
    func stillNames(_ path: String) -> Bool {
      var locked = stat()
      var current = stat()
      guard fstat(fd, &locked) == 0, stat(path, &current) == 0 else { return false }
      return locked.st_dev == current.st_dev && locked.st_ino == current.st_ino
    }

    deinit { close(fd) }
  }

  /// `posix_spawn` of `arguments[0]` (an absolute path) in a new session, with stdin from
  /// /dev/null and stdout+stderr appended to `logPath`, default signal handling and an empty
  /// signal mask. Returns the child's PID.
  static func spawnDaemon(arguments: [String], environment: [String], logPath: String) throws(ManagerError) -> pid_t {
    // A new session, so that the caller's terminal and process-group signals never reach the manager.
    let spawned = ChildProcess.spawn(
      arguments, environment: environment, grouping: .newSession,
      fileActions: [
        .open(fd: 0, path: "/dev/null", flags: O_RDONLY, mode: 0),
        .open(fd: 1, path: logPath, flags: O_WRONLY | O_CREAT | O_APPEND, mode: 0o600),
        .duplicate(1, onto: 2),
      ])
    switch spawned {
    case .success(let pid): return pid
    case .failure(let error): throw .spawnFailed(command: arguments[0], errno: error.code)
    }
  }
}
