import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Keeps a log file that systemd appends to (`StandardOutput=append:`) below a size: the body
/// of `<pool>.logcap.service`.
///
/// systemd opens each `append:` file once, with `O_APPEND`, and hands the descriptor to the
/// service: the file cannot be renamed away (the process keeps writing to the old one), only
/// shortened in place. Every `O_APPEND` write lands at the end of the file as the file is at that
/// moment, so shortening never leaves a gap or a hole for the writer.
///
/// When a file is larger than `maxBytes`, its older part moves to `<file>.1` (replacing the
/// previous one; at most `maxBytes` of it, the newest, from a line start) and about the newest
/// `maxBytes / 2` stay:
/// - first the older part is copied to `<file>.1` (a new file, renamed into place);
/// - then it is cut from the head of the file with `fallocate(FALLOC_FL_COLLAPSE_RANGE)`, which
///   the kernel performs under the same lock as the writers' appends: no line is lost or
///   split between the two files' contents, whatever the process writes meanwhile. The cut is a
///   multiple of the file system's block size, so the first line of the file and the last of
///   `<file>.1` may be two halves of one line.
/// - Where the file system cannot collapse a range (tmpfs, btrfs, NFS, ...) it falls back to
///   copy-and-truncate, logrotate's `copytruncate`: everything is copied to `<file>.1` and the file
///   is truncated to nothing. Lines written between the last copy and the truncation (a window
///   of microseconds) are lost; the result says which way was taken.
public struct LogTrimmer: Sendable {
  /// The size above which a file is trimmed.
  public var maxBytes: Int64
  /// The mode of `<file>.1` (that of the log files, `LogFolder.fileMode`).
  public var mode: mode_t

  /// `FALLOC_FL_COLLAPSE_RANGE` (linux/falloc.h).
  static let collapseRange: Int32 = 0x08
  /// glibc's `fallocate(2)` with its `mode` argument: Swift's Glibc module is imported without
  /// `_GNU_SOURCE`, which declares it, so it is looked up by name (nil: this libc has none).
  static let fallocate: (@convention(c) (Int32, Int32, off_t, off_t) -> Int32)? = {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "fallocate") else { return nil }
    return unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32, off_t, off_t) -> Int32).self)
  }()
  /// The copy buffer.
  static let chunk = 64 * 1024

  /// Creates a trimmer for files larger than `maxBytes`.
  public init(maxBytes: Int64, mode: mode_t = LogFolder.fileMode) {
    self.maxBytes = maxBytes
    self.mode = mode
  }

  /// The name of the one older generation kept beside `path`.
  public static func previous(of path: String) -> String { path + ".1" }

  /// Trims `path` when it is larger than `maxBytes`; nil when there was nothing to do (no such
  /// file, or small enough).
  ///
  /// A symbolic link, or anything but a regular file, is refused and left alone.
  public func trim(_ path: String) throws(LogTrimError) -> LogTrim? {
    let fd = open(path, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
    guard fd >= 0 else {
      if errno == ENOENT { return nil }
      throw LogTrimError(path: path, operation: "open", errno: errno)
    }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw LogTrimError(path: path, operation: "fstat", errno: errno) }
    guard info.st_mode & S_IFMT == S_IFREG else { throw LogTrimError(path: path, operation: "open", errno: EINVAL) }
    let size = Int64(info.st_size)
    guard size > maxBytes else { return nil }
    // COLLAPSE_RANGE takes whole blocks of the file system only.
    var volume = statvfs()
    let fundamental = fstatvfs(fd, &volume) == 0 ? Int64(volume.f_frsize) : 0
    let block = max(fundamental, Int64(info.st_blksize), 512)
    // Keep about the newest half, so a trim is not due again at the next line.
    let cut = (size - maxBytes / 2) / block * block
    guard cut > 0, cut < size else { return nil }

    // The older part goes to a new file first, renamed over the previous generation: should
    // the cut below fail, that part is in both files, never in neither.
    let previous = Self.previous(of: path)
    let temporary = previous + ".tmp"
    unlink(temporary)
    let out = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
    guard out >= 0 else { throw LogTrimError(path: temporary, operation: "create", errno: errno) }
    defer { close(out) }
    // The service's umask must not narrow the mode the log folder's readers rely on.
    _ = fchmod(out, mode)
    // `<file>.1` keeps at most `maxBytes` of what is cut (a burst can cut far more), from the
    // first line that starts in that part: what lies before it is the oldest output, dropped.
    let start = try firstLine(in: fd, path: path, from: max(0, cut - maxBytes), before: cut)
    var copied: Int64 = 0
    do throws(LogTrimError) {
      copied = try copy(from: fd, path: path, range: start..<cut, to: out, target: temporary)
    } catch {
      unlink(temporary)
      throw error
    }
    guard rename(temporary, previous) == 0 else {
      let failure = errno
      unlink(temporary)
      throw LogTrimError(path: previous, operation: "rename", errno: failure)
    }
    if let fallocate = Self.fallocate, fallocate(fd, Self.collapseRange, 0, off_t(cut)) == 0 {
      var after = stat()
      let kept = fstat(fd, &after) == 0 ? Int64(after.st_size) : size - cut
      return LogTrim(path: path, dropped: start, moved: copied, kept: kept, method: .collapse)
    }
    let failure = Self.fallocate == nil ? ENOSYS : errno
    guard failure == EOPNOTSUPP || failure == EINVAL || failure == ENOSYS else {
      throw LogTrimError(path: path, operation: "fallocate", errno: failure)
    }
    // No collapse here: copy what follows the cut too, until the file stops growing between
    // two looks (or a few rounds passed), then truncate it.
    var end = cut
    for _ in 0..<8 {
      guard fstat(fd, &info) == 0 else { throw LogTrimError(path: path, operation: "fstat", errno: errno) }
      let now = Int64(info.st_size)
      if now <= end { break }
      copied += try copy(from: fd, path: path, range: end..<now, to: out, target: previous)
      end = now
    }
    guard ftruncate(fd, 0) == 0 else { throw LogTrimError(path: path, operation: "truncate", errno: errno) }
    return LogTrim(path: path, dropped: start, moved: copied, kept: 0, method: .copyTruncate)
  }

  /// The offset just after the first newline at or after `offset` (and before `end`); `offset`
  /// itself when it is 0 or no newline follows within 64 KiB.
  private func firstLine(in fd: Int32, path: String, from offset: Int64, before end: Int64) throws(LogTrimError) -> Int64 {
    guard offset > 0 else { return 0 }
    var buffer = [UInt8](repeating: 0, count: Self.chunk)
    let want = Int(min(Int64(Self.chunk), end - offset))
    var got = -1
    while got < 0 {
      got = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, want, off_t(offset)) }
      if got < 0 && errno != EINTR { throw LogTrimError(path: path, operation: "read", errno: errno) }
    }
    guard let newline = buffer[0..<got].firstIndex(of: 10) else { return offset }
    return offset + Int64(newline) + 1
  }

  /// Copies `range` of `fd` to the end of `out`; the number of bytes copied.
  private func copy(
    from fd: Int32, path: String, range: Range<Int64>, to out: Int32, target: String
  ) throws(LogTrimError) -> Int64 {
    var buffer = [UInt8](repeating: 0, count: Self.chunk)
    var offset = range.lowerBound
    while offset < range.upperBound {
      let want = Int(min(Int64(Self.chunk), range.upperBound - offset))
      let got = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, want, off_t(offset)) }
      if got < 0 && errno == EINTR { continue }
      guard got >= 0 else { throw LogTrimError(path: path, operation: "read", errno: errno) }
      if got == 0 { break }
      var written = 0
      while written < got {
        let count = buffer[written..<got].withUnsafeBytes { Glibc.write(out, $0.baseAddress, $0.count) }
        if count < 0 && errno == EINTR { continue }
        guard count > 0 else { throw LogTrimError(path: target, operation: "write", errno: errno) }
        written += count
      }
      offset += Int64(got)
    }
    return offset - range.lowerBound
  }
}
