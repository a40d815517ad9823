import Foundation
import UnitCompiler

/// Makes a pool's log folder and files before systemd appends to them (`StandardOutput=append:`):
/// the folder `0750`, each file `0640`, owned by whoever runs cgipool, and nothing reached through
/// a symbolic link.
///
/// systemd creates a missing `append:` file with the manager's umask (world-readable `0644`) and
/// follows symbolic links. Creating the files first, with `O_NOFOLLOW` inside a folder only the
/// owner can write, leaves systemd nothing to create and no link to follow.
public enum LogFolder {
  /// The folder's mode: the owner writes, the group (e.g. `adm`) reads.
  public static let folderMode: mode_t = 0o750
  /// Each log file's mode.
  public static let fileMode: mode_t = 0o640

  /// Why the log folder could not be prepared.
  public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The path involved.
    public var path: String
    /// What was wrong.
    public var reason: String
    /// `cannot prepare the log folder: PATH: REASON`.
    public var description: String { "cannot prepare the log file \(path): \(reason)" }
  }

  /// Creates `directory` (parents `0755`, itself `0750`) and `<process>.log` for each process (`0640`).
  ///
  /// An existing folder or file gets its mode tightened; one that is a symbolic link, not a
  /// folder or regular file, or owned by another user is refused, and nothing is changed through it.
  public static func prepare(_ directory: String, processes: [String]) throws(Failure) {
    let parent = (directory as NSString).deletingLastPathComponent
    if !parent.isEmpty, parent != "/" {
      try makeParents(parent)
    }
    if mkdir(directory, folderMode) != 0, errno != EEXIST {
      throw Failure(path: directory, reason: String(cString: strerror(errno)))
    }
    let folder = open(directory, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
    guard folder >= 0 else {
      let reason = errno == ELOOP || errno == ENOTDIR ? "not a folder (a symbolic link?)" : String(cString: strerror(errno))
      throw Failure(path: directory, reason: reason)
    }
    defer { close(folder) }
    try checkOwner(folder, path: directory)
    guard fchmod(folder, folderMode) == 0 else { throw Failure(path: directory, reason: String(cString: strerror(errno))) }
    for process in processes {
      let path = LogPath.file(process: process, in: directory)
      let name = (path as NSString).lastPathComponent
      let file = openat(folder, name, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, fileMode)
      guard file >= 0 else {
        let reason = errno == ELOOP ? "a symbolic link (refused)" : String(cString: strerror(errno))
        throw Failure(path: path, reason: reason)
      }
      defer { close(file) }
      var info = stat()
      guard fstat(file, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
        throw Failure(path: path, reason: "not a regular file")
      }
      try checkOwner(file, path: path)
      guard fchmod(file, fileMode) == 0 else { throw Failure(path: path, reason: String(cString: strerror(errno))) }
    }
  }

  private static func checkOwner(_ descriptor: Int32, path: String) throws(Failure) {
    var info = stat()
    guard fstat(descriptor, &info) == 0 else { throw Failure(path: path, reason: String(cString: strerror(errno))) }
    guard info.st_uid == geteuid() else {
      throw Failure(path: path, reason: "owned by user \(info.st_uid), not by \(geteuid()) (refused)")
    }
  }

  /// `mkdir -p` with `0755` for each created folder (existing ones are left as they are).
  private static func makeParents(_ path: String) throws(Failure) {
    var prefix = ""
    for component in path.split(separator: "/") {
      prefix += "/" + component
      if mkdir(prefix, 0o755) != 0, errno != EEXIST { throw Failure(path: prefix, reason: String(cString: strerror(errno))) }
    }
  }
}
