import Foundation

#if canImport(Glibc)
  import Glibc
#endif

extension Posix {
  /// Why an atomic write failed: the step, the path it was done on, and the errno.
  struct WriteFailure: Error, Equatable {
    /// `create`, `write` or `rename`.
    var operation: String
    /// The temporary file (create, write) or the target (rename).
    var path: String
    /// The errno of the failed call.
    var errno: Int32
  }

  /// Writes `bytes` to `path` so that a reader sees the old file or the whole new one, never a
  /// part: a temporary file beside it, then a rename over it.
  ///
  /// The temporary file is unlinked first and created with `O_EXCL|O_NOFOLLOW`, so a link planted
  /// in the folder is never written through; it gets `mode` (0600 for a private file). The one
  /// writer for cgipool's state files (the private manager's state, health results, early exits).
  static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t) throws(WriteFailure) {
    let temporary = path + ".tmp"
    unlink(temporary)
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
    guard fd >= 0 else { throw WriteFailure(operation: "create", path: temporary, errno: errno) }
    var offset = 0
    while offset < bytes.count {
      let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
      if written < 0 && errno == EINTR { continue }
      guard written > 0 else {
        let failure = written < 0 ? errno : EIO
        close(fd)
        unlink(temporary)
        throw WriteFailure(operation: "write", path: temporary, errno: failure)
      }
      offset += written
    }
    close(fd)
    guard rename(temporary, path) == 0 else {
      let failure = errno
      unlink(temporary)
      throw WriteFailure(operation: "rename", path: path, errno: failure)
    }
  }
}
