/// One thing an install or uninstall does to the file system or the manager, in order.
///
/// Plans are lists of steps, so `--dry-run` prints exactly what a real run does.
public enum InstallStep: Sendable, Equatable, CustomStringConvertible {
  /// Create a folder (its parent exists or was created by an earlier step).
  case createDirectory(String)
  /// Write a text file (atomically: a temporary file beside it, then a rename).
  case write(String, contents: String, mode: UInt32)
  /// Copy a file (atomically, so a running copy of the old binary keeps running).
  case copy(from: String, to: String, mode: UInt32)
  /// Make a symbolic link (replacing a link install made before).
  case link(String, target: String)
  /// Remove a file or link.
  case remove(String)
  /// Remove a folder if it is empty (left alone otherwise: something else put files there).
  case removeDirectoryIfEmpty(String)
  /// `Reload` the manager (daemon-reload).
  case reload
  /// `EnableUnitFiles` for a unit.
  case enable(String)
  /// `DisableUnitFiles` for a unit.
  case disable(String)

  /// The step as `--dry-run` prints it.
  public var description: String {
    switch self {
    case .createDirectory(let path): "create folder \(path)"
    case .write(let path, let contents, let mode):
      "write \(path) (\(contents.utf8.count) bytes, mode \(String(mode, radix: 8)))"
    case .copy(let source, let path, let mode): "copy \(source) to \(path) (mode \(String(mode, radix: 8)))"
    case .link(let path, let target): "link \(path) -> \(target)"
    case .remove(let path): "remove \(path)"
    case .removeDirectoryIfEmpty(let path): "remove folder \(path) (when empty)"
    case .reload: "call daemon-reload (Reload)"
    case .enable(let unit): "call enable \(unit) (EnableUnitFiles)"
    case .disable(let unit): "call disable \(unit) (DisableUnitFiles)"
    }
  }
}
