import Foundation

/// The two questions the compiler asks the file system.
public protocol FileSystemInspecting: Sendable {
  /// Whether `path` is an executable regular file.
  func isExecutableFile(_ path: String) -> Bool
  /// Whether `path` is a directory.
  func isDirectory(_ path: String) -> Bool
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
