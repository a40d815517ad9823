/// The argv of one process as slices of a single byte buffer.
struct CommandWords {
  /// The argv words, in order.
  let words: [ArraySlice<UInt8>]

  /// Splits `buffer` at `ranges`; a lone word containing spaces (a rewritten
  /// process title such as `python3 pool/manager.py --port 8001`) is split at spaces.
  init(buffer: [UInt8], ranges: [Range<Int>]) {
    var words = ranges.map { buffer[$0] }
    if words.count == 1, words[0].contains(UInt8(ascii: " ")) {
      words = words[0].split(separator: UInt8(ascii: " "), omittingEmptySubsequences: true)
    }
    self.words = words
  }

  /// Splits the raw contents of `/proc/PID/cmdline` at NUL bytes, dropping empty trailing padding.
  init(cmdline: ArraySlice<UInt8>) {
    var ranges: [Range<Int>] = []
    let base = Array(cmdline)
    var start = 0
    for index in base.indices where base[index] == 0 {
      ranges.append(start..<index)
      start = index + 1
    }
    if start < base.count { ranges.append(start..<base.count) }
    // Trailing empty words come from padding after a rewritten title, not from real arguments.
    while let last = ranges.last, last.isEmpty { ranges.removeLast() }
    self.init(buffer: base, ranges: ranges)
  }

  /// The words decoded as strings (invalid UTF-8 replaced).
  var strings: [String] { words.map { String(decoding: $0, as: UTF8.self) } }
}
