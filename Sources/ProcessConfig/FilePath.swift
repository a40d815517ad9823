/// Lexical path arithmetic: no file system access, so results are deterministic.
///
/// The one path normalizer of cgipool: the config's folder, `cwd`s and relative commands all go
/// through it, so a unit never depends on the compiling host's symlinks.
public enum FilePath {
  /// `path` made absolute against `base` (when relative) with `.`, `..` and repeated `/` removed.
  ///
  /// `..` at the root stays at the root, as the kernel treats it. Symlinks are not resolved.
  public static func normalize(_ path: String, relativeTo base: String) -> String {
    let joined = path.hasPrefix("/") ? path : base + "/" + path
    var parts: [Substring] = []
    for part in joined.split(separator: "/", omittingEmptySubsequences: true) {
      switch part {
      case ".": continue
      case "..": if !parts.isEmpty { parts.removeLast() }
      default: parts.append(part)
      }
    }
    return "/" + parts.joined(separator: "/")
  }

  /// The folder holding an absolute, normalized `path`; the root's parent is the root.
  public static func parent(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
    return String(path[..<slash])
  }
}
