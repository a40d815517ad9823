import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The file-system questions and changes an install makes, in one place.
enum InstallFiles {
  /// Whether anything (file, link, even a dangling one, or folder) is at `path`.
  static func exists(_ path: String) -> Bool {
    var info = stat()
    return lstat(path, &info) == 0
  }

  /// Whether `path` is a folder.
  static func isDirectory(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
  }

  /// The text of `path`, `nil` when it cannot be read.
  static func read(_ path: String) -> String? {
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    return String(decoding: data, as: UTF8.self)
  }

  /// Whether the file at `path` holds exactly `contents`.
  static func holds(_ path: String, _ contents: String) -> Bool {
    guard let data = FileManager.default.contents(atPath: path) else { return false }
    return data == Data(contents.utf8)
  }

  /// Whether two paths hold the same bytes.
  static func sameContents(_ first: String, _ second: String) -> Bool {
    FileManager.default.contentsEqual(atPath: first, andPath: second)
  }

  /// The folders missing on the way to `path` (itself included), outermost first.
  static func missingFolders(_ path: String) -> [String] {
    var missing: [String] = []
    var folder = path
    while folder != "/" && !folder.isEmpty && !exists(folder) {
      missing.insert(folder, at: 0)
      folder = (folder as NSString).deletingLastPathComponent
    }
    return missing
  }

  /// The target of the symbolic link at `path`, `nil` when it is not a link.
  static func linkTarget(_ path: String) -> String? {
    try? FileManager.default.destinationOfSymbolicLink(atPath: path)
  }

  /// Writes `data` to `path` through a temporary file and a rename, with `mode`.
  static func writeAtomically(_ data: Data, to path: String, mode: UInt32) throws(InstallError) {
    let temporary = (path as NSString).deletingLastPathComponent + "/.\((path as NSString).lastPathComponent).cgipool-tmp"
    do {
      try data.write(to: URL(fileURLWithPath: temporary))
    } catch {
      throw InstallError("cannot write \(path): \(error.localizedDescription)")
    }
    guard chmod(temporary, mode_t(mode)) == 0, rename(temporary, path) == 0 else {
      let reason = String(cString: strerror(errno))
      unlink(temporary)
      throw InstallError("cannot write \(path): \(reason)")
    }
  }

  /// Performs one file step; manager steps are the caller's.
  static func perform(_ step: InstallStep) throws(InstallError) {
    switch step {
    case .createDirectory(let path):
      guard mkdir(path, 0o755) == 0 || (errno == EEXIST && isDirectory(path)) else {
        throw InstallError("cannot create folder \(path): \(String(cString: strerror(errno)))")
      }
    case .write(let path, let contents, let mode):
      try writeAtomically(Data(contents.utf8), to: path, mode: mode)
    case .copy(let source, let path, let mode):
      guard let data = FileManager.default.contents(atPath: source) else {
        throw InstallError("cannot read \(source)")
      }
      try writeAtomically(data, to: path, mode: mode)
    case .link(let path, let target):
      if linkTarget(path) != nil { unlink(path) }
      guard symlink(target, path) == 0 else {
        throw InstallError("cannot link \(path) -> \(target): \(String(cString: strerror(errno)))")
      }
    case .remove(let path):
      guard unlink(path) == 0 || errno == ENOENT else {
        throw InstallError("cannot remove \(path): \(String(cString: strerror(errno)))")
      }
    case .removeDirectoryIfEmpty(let path):
      // ENOTEMPTY/EEXIST: something else keeps files there, so the folder stays.
      _ = rmdir(path)
    case .reload, .enable, .disable:
      break
    }
  }
}

extension InstallFiles {
  /// `path` with symbolic links resolved, for comparing two names of one file.
  static func resolved(_ path: String) -> String {
    guard let pointer = realpath(path, nil) else { return path }
    defer { free(pointer) }
    return String(cString: pointer)
  }
}
