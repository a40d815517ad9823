/// One word of an orphan pattern, compiled: a shell-style glob matched against
/// the trailing path components of an argv word.
///
/// `*` matches any run of bytes and `?` one character, `[...]` one byte of a
/// class (`[!...]`/`[^...]` negates it, `a-z` is a range), `\` makes the next
/// character literal. None of them matches `/`: a `/` in the pattern matches
/// only a `/`, so a word with `k` slashes matches exactly the last `k + 1`
/// path components of an argv word (all of them when it starts with `/`).
struct GlobWord: Sendable, Equatable {
  /// One element of a compiled path segment.
  enum Token: Sendable, Equatable {
    /// Exactly this byte.
    case literal(UInt8)
    /// One character (a UTF-8 lead byte and its continuation bytes).
    case any
    /// Any run of bytes, possibly empty.
    case star
    /// One byte inside (or, when negated, outside) the ranges.
    case set(ranges: [ClosedRange<UInt8>], negated: Bool)
  }

  /// The word as written in the pattern.
  let source: String
  /// The tokens of each `/`-separated segment, in order.
  let segments: [[Token]]
  /// Whether the word starts with `/`, so it must match the whole argv word.
  let anchored: Bool

  private static let slash = UInt8(ascii: "/")

  /// Compiles `source`; fails on an unterminated `[` class or a trailing `\`.
  init(_ source: String) throws(InvalidOrphanPattern) {
    self.source = source
    let bytes = Array(source.utf8)
    var segments: [[Token]] = [[]]
    var i = 0
    while i < bytes.count {
      let byte = bytes[i]
      switch byte {
      case UInt8(ascii: "/"):
        segments.append([])
        i += 1
      case UInt8(ascii: "*"):
        // Consecutive stars are one star; keeping one makes matching cheaper.
        if segments[segments.count - 1].last != .star { segments[segments.count - 1].append(.star) }
        i += 1
      case UInt8(ascii: "?"):
        segments[segments.count - 1].append(.any)
        i += 1
      case UInt8(ascii: "\\"):
        guard i + 1 < bytes.count else { throw InvalidOrphanPattern(pattern: source, message: "trailing '\\' escapes nothing") }
        segments[segments.count - 1].append(.literal(bytes[i + 1]))
        i += 2
      case UInt8(ascii: "["):
        let (token, next) = try Self.parseClass(bytes, from: i, source: source)
        segments[segments.count - 1].append(token)
        i = next
      default:
        segments[segments.count - 1].append(.literal(byte))
        i += 1
      }
    }
    self.segments = segments
    self.anchored = bytes.first == Self.slash
  }

  /// Parses the class starting at `bytes[start] == "["`; returns it and the index after its `]`.
  private static func parseClass(_ bytes: [UInt8], from start: Int, source: String) throws(InvalidOrphanPattern) -> (Token, Int) {
    var i = start + 1
    var negated = false
    if i < bytes.count, bytes[i] == UInt8(ascii: "!") || bytes[i] == UInt8(ascii: "^") {
      negated = true
      i += 1
    }
    var ranges: [ClosedRange<UInt8>] = []
    var first = true
    while i < bytes.count {
      var low = bytes[i]
      // A `]` right after the opening (or its negation) is a member, as in fnmatch.
      if low == UInt8(ascii: "]") && !first { return (.set(ranges: ranges, negated: negated), i + 1) }
      if low == UInt8(ascii: "/") {
        throw InvalidOrphanPattern(pattern: source, message: "'/' cannot appear inside a [...] class")
      }
      if low == UInt8(ascii: "\\"), i + 1 < bytes.count {
        i += 1
        low = bytes[i]
      }
      first = false
      if i + 2 < bytes.count, bytes[i + 1] == UInt8(ascii: "-"), bytes[i + 2] != UInt8(ascii: "]") {
        let high = bytes[i + 2]
        guard low <= high else {
          throw InvalidOrphanPattern(pattern: source, message: "empty range in [...] class")
        }
        ranges.append(low...high)
        i += 3
      } else {
        ranges.append(low...low)
        i += 1
      }
    }
    throw InvalidOrphanPattern(pattern: source, message: "unterminated '[' class")
  }

  /// Whether this word matches the trailing path components of `word`.
  func matches(_ word: ArraySlice<UInt8>) -> Bool {
    // Walk segments from the end of both, so no splitting or allocation is needed.
    var end = word.endIndex
    var segmentIndex = segments.count - 1
    while segmentIndex >= 0 {
      var start = end
      while start > word.startIndex, word[start - 1] != Self.slash { start -= 1 }
      if !Self.matchSegment(segments[segmentIndex], word[start..<end]) { return false }
      segmentIndex -= 1
      if segmentIndex < 0 {
        // An anchored word must have consumed the whole argv word.
        return !anchored || start == word.startIndex
      }
      // More pattern segments remain, so the argv word needs a `/` before this one.
      guard start > word.startIndex else { return false }
      end = start - 1
    }
    return true
  }

  /// Matches one `/`-free segment with the classic single-backtrack glob algorithm.
  static func matchSegment(_ tokens: [Token], _ text: ArraySlice<UInt8>) -> Bool {
    var p = 0
    var t = text.startIndex
    var starP = -1
    var starT = t
    while t < text.endIndex {
      if p < tokens.count {
        switch tokens[p] {
        case .star:
          starP = p
          starT = t
          p += 1
          continue
        case .literal(let byte):
          if text[t] == byte {
            p += 1
            t += 1
            continue
          }
        case .any:
          p += 1
          t += 1
          // Consume UTF-8 continuation bytes so `?` means one character.
          while t < text.endIndex, text[t] & 0xC0 == 0x80 { t += 1 }
          continue
        case .set(let ranges, let negated):
          if ranges.contains(where: { $0.contains(text[t]) }) != negated {
            p += 1
            t += 1
            continue
          }
        }
      }
      guard starP >= 0 else { return false }
      // Let the last star swallow one more byte and retry from there.
      p = starP + 1
      starT += 1
      t = starT
    }
    while p < tokens.count, tokens[p] == .star { p += 1 }
    return p == tokens.count
  }
}
