import Foundation

/// A process's log file, appended to by systemd (`StandardOutput=append:`).
public struct LogFile: Sendable {
  /// The file's path.
  public var path: String

  /// Creates a handle for `path`.
  public init(path: String) {
    self.path = path
  }

  /// The last `count` lines (fewer if the file is shorter); empty when the file does not exist.
  public func tail(_ count: Int) -> [String] {
    guard count > 0, let handle = FileHandle(forReadingAtPath: path) else { return [] }
    defer { try? handle.close() }
    // Read backwards in chunks so a large log costs only what is shown.
    let size = (try? handle.seekToEnd()) ?? 0
    var offset = size
    var data = Data()
    while offset > 0 {
      let chunk = min(UInt64(64 * 1024), offset)
      offset -= chunk
      try? handle.seek(toOffset: offset)
      data = (try? handle.read(upToCount: Int(chunk)) ?? Data()).map { $0 + data } ?? data
      if data.filter({ $0 == 10 }).count > count { break }
    }
    var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if lines.last == "" { lines.removeLast() }
    return Array(lines.suffix(count))
  }

  /// The last line (within the final 200) that satisfies `predicate`.
  public func lastLine(where predicate: (String) -> Bool) -> String? {
    tail(200).last(where: predicate)
  }
}
