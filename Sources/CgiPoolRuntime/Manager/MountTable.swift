import Foundation

/// The mounts a process sees, read from `/proc/<pid>/mountinfo`.
struct MountTable: Sendable, Equatable {
  /// One line of `mountinfo`.
  struct Entry: Sendable, Equatable {
    /// The device (`major:minor`) the mount's file system lives on.
    var device: String
    /// The folder of that file system the mount shows (`/` for the whole file system; a bind
    /// mount shows a folder inside it).
    var root: String
    /// Where the mount is seen.
    var mountPoint: String
    /// The file system type (`ext4`, `tmpfs`, ...).
    var type: String
    /// The file system's own options.
    var superOptions: [String]
  }

  /// The mounts in the order the kernel lists them (a later mount on a point hides an earlier one).
  var entries: [Entry]

  /// The table of `pid` (`self` for this process), nil when it cannot be read (gone, not ours).
  static func read(pid: String = "self") -> MountTable? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/mountinfo", encoding: .utf8) else { return nil }
    return MountTable(parsing: text)
  }

  /// Parses `mountinfo` text; malformed lines are skipped.
  init(parsing text: String) {
    entries = text.split(separator: "\n").compactMap { line in
      // "<id> <parent> <maj:min> <root> <mount point> <opts> [optional...] - <type> <source> <super opts>"
      let halves = line.components(separatedBy: " - ")
      guard halves.count == 2 else { return nil }
      let fields = halves[0].split(separator: " ")
      let tail = halves[1].split(separator: " ")
      guard fields.count >= 5, tail.count >= 3 else { return nil }
      return Entry(
        device: String(fields[2]), root: Self.unescape(String(fields[3])), mountPoint: Self.unescape(String(fields[4])),
        type: String(tail[0]), superOptions: tail[2].split(separator: ",").map(String.init))
    }
  }

  /// The visible mount whose mount point is exactly `path`.
  func mount(at path: String) -> Entry? {
    entries.last { $0.mountPoint == path }
  }

  /// Where `entry` of another process's table shows up in this table: the path, under one of
  /// this table's mounts of the same file system, of the folder `entry` mounts. Nil when no
  /// mount here shows that folder.
  func path(of entry: Entry) -> String? {
    let candidates = entries.filter { $0.device == entry.device && Self.isWithin(entry.root, $0.root) }
    // The mount showing the deepest folder is the most direct view.
    guard let view = candidates.max(by: { $0.root.count < $1.root.count }) else { return nil }
    let rest = view.root == "/" ? entry.root : String(entry.root.dropFirst(view.root.count))
    return view.mountPoint == "/" ? rest : view.mountPoint + rest
  }

  /// Whether `path` is `folder` or inside it.
  private static func isWithin(_ path: String, _ folder: String) -> Bool {
    folder == "/" || path == folder || path.hasPrefix(folder + "/")
  }

  /// Undoes the octal escapes (`\040` for a space) of paths in `mountinfo`.
  static func unescape(_ text: String) -> String {
    guard text.contains("\\") else { return text }
    var bytes: [UInt8] = []
    var utf8 = Array(text.utf8)[...]
    while let byte = utf8.popFirst() {
      if byte == UInt8(ascii: "\\"), utf8.count >= 3, let value = UInt8(String(decoding: utf8.prefix(3), as: UTF8.self), radix: 8) {
        bytes.append(value)
        utf8 = utf8.dropFirst(3)
      } else {
        bytes.append(byte)
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}
