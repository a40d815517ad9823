import Foundation

/// Follows a log file as `tail -f` does (`cgipool logs -f`), through the pool's log cap.
///
/// `LogTrimmer` shortens a file in place: it cuts the older part from its head (the newest
/// part, already shown, moves to offset 0) or, where it cannot, empties it. Starting over at
/// offset 0 would show the kept part a second time. So the follower keeps the last bytes it
/// returned and, after a trim, looks for them in `<file>.1` followed by the file (the trimmer
/// moves what it cuts there first): what follows them is new. Only when the cap cut the file
/// several times between two looks are they gone, and then the file is shown from its start.
public struct LogFollower: Sendable {
  /// How much of the output it returned last it keeps to find its place again after a trim.
  static let windowBytes = 4_096

  /// The file followed.
  public let path: String
  /// The offset up to which the file has been returned.
  public private(set) var offset: UInt64
  /// The last bytes returned (at most `windowBytes`).
  private var window: [UInt8] = []

  /// Follows `path` from its current end, or from `offset` when given.
  public init(path: String, from offset: UInt64? = nil) {
    self.path = path
    self.offset = offset ?? Self.size(of: path) ?? 0
    if offset == nil, self.offset > 0, let handle = FileHandle(forReadingAtPath: path) {
      // What came before the end counts as shown: a trim right away must not show it again.
      let start = self.offset - min(self.offset, UInt64(Self.windowBytes))
      try? handle.seek(toOffset: start)
      window = Array((try? handle.read(upToCount: Int(self.offset - start))) ?? Data())
      try? handle.close()
    }
  }

  /// What was appended since the last call; empty when nothing was (or the file is gone).
  public mutating func poll() -> Data {
    guard let size = Self.size(of: path), let handle = FileHandle(forReadingAtPath: path) else { return Data() }
    defer { try? handle.close() }
    var missed = Data()
    if size < offset || !endsWithWindow(handle) {
      // Shortened by a trim (it may have grown past the old offset again since: the bytes
      // before the offset are then no longer the last ones shown): resume after the last bytes
      // shown, wherever they now are.
      try? handle.seek(toOffset: 0)
      let head = Array((try? handle.read(upToCount: Int(size))) ?? Data())
      // The trimmer fills `<file>.1` with the part it cuts before it cuts it, so `.1` then the
      // file read as one run, even when the cut fell inside the bytes shown last or past them.
      let previous = Array((FileManager.default.contents(atPath: LogTrimmer.previous(of: path))) ?? Data())
      switch Self.end(of: window, in: previous + head) {
      case .some(let end) where end <= previous.count:
        // Cut past where this follower had read: the rest of `.1` was never shown.
        missed = Data(previous[end...])
        offset = 0
      case .some(let end):
        offset = UInt64(end - previous.count)
      case .none:
        // Not on disk any more (several trims since the last look): the file is all there is.
        offset = 0
      }
    }
    var data = Data()
    if size > offset {
      try? handle.seek(toOffset: offset)
      data = (try? handle.read(upToCount: Int(size - offset))) ?? Data()
      offset += UInt64(data.count)
    }
    let shown = missed + data
    window = Array((window + shown).suffix(Self.windowBytes))
    return shown
  }

  /// Whether the bytes just before `offset` are still the last ones returned.
  private func endsWithWindow(_ handle: FileHandle) -> Bool {
    // Nothing returned yet: nothing to recognise (a shrink is still seen from the size).
    guard !window.isEmpty else { return true }
    guard offset >= UInt64(window.count) else { return false }
    try? handle.seek(toOffset: offset - UInt64(window.count))
    let bytes = (try? handle.read(upToCount: window.count)) ?? Data()
    return bytes.elementsEqual(window)
  }

  /// The offset just after the first place in `text` where `needle` ends, nil when it does not
  /// occur (or is empty). The first: in a run of identical lines longer than the window, a few
  /// may show twice, but nothing written after the trim is skipped.
  static func end(of needle: [UInt8], in text: [UInt8]) -> Int? {
    guard !needle.isEmpty, needle.count <= text.count else { return nil }
    for start in 0...(text.count - needle.count)
    where text[start] == needle[0] && text[start..<(start + needle.count)].elementsEqual(needle) {
      return start + needle.count
    }
    return nil
  }

  private static func size(of path: String) -> UInt64? {
    (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? UInt64
  }
}
