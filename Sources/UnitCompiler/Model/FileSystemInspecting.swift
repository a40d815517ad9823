import Foundation

/// The questions the compiler asks the file system.
public protocol FileSystemInspecting: Sendable {
  /// Whether `path` is an executable regular file.
  func isExecutableFile(_ path: String) -> Bool
  /// Whether `path` is a directory.
  func isDirectory(_ path: String) -> Bool
  /// Whether something (a file, a folder, a socket) exists at `path`, following symlinks.
  func exists(_ path: String) -> Bool
}

extension FileSystemInspecting {
  /// The machine's answer, for inspectors that only stand in for commands and folders.
  public func exists(_ path: String) -> Bool {
    FileManager.default.fileExists(atPath: path)
  }
}

/// The machine's real file system.
public struct LocalFileSystem: FileSystemInspecting {
  /// Creates the inspector.
  public init() {}

  /// Whether `path` is an executable regular file.
  public func isExecutableFile(_ path: String) -> Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
      && !isDirectory.boolValue && FileManager.default.isExecutableFile(atPath: path)
  }

  /// Whether `path` is a directory.
  public func isDirectory(_ path: String) -> Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
  }
}
