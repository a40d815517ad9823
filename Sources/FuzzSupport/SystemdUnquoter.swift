/// A reference for how systemd reads the values cgipool writes, written from systemd's
/// `extract_first_word()` (`EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE`), `cunescape_one()`, specifier
/// expansion (`%%` is `%`) and, for command arguments, `replace_env_argv()` (`$$` is `$`).
///
/// It is strict where cgipool's output must be: a `%` or `$` that systemd would expand, or an
/// escape it would not accept, is an error, not a guess.
public enum SystemdUnquoter {
  /// Why a value does not read back.
  public struct Failure: Error, Equatable, CustomStringConvertible {
    /// What was wrong.
    public var description: String
  }

  /// `ExecStart=` text back to its executed path, argv, ignore-failure and privileged flags.
  public static func command(_ line: String) throws(Failure) -> (
    path: String, argv: [String], ignoreFailure: Bool, privileged: Bool
  ) {
    var words = try self.words(specifiers(line))
    guard !words.isEmpty else { throw Failure(description: "no command") }
    var first = words.removeFirst()
    var ignoreFailure = false
    var privileged = false
    var separateArgv0 = false
    // systemd's prefixes, as config_parse_exec() strips them from the first word.
    while let prefix = first.first, [UInt8(ascii: "@"), UInt8(ascii: "-"), UInt8(ascii: "+")].contains(prefix) {
      switch prefix {
      case UInt8(ascii: "@"): separateArgv0 = true
      case UInt8(ascii: "-"): ignoreFailure = true
      default: privileged = true
      }
      first.removeFirst()
    }
    let argv = try (separateArgv0 ? words : [first] + words).map(dollars)
    return (String(decoding: first, as: UTF8.self), argv, ignoreFailure, privileged)
  }

  /// One `Environment=` assignment back to its `NAME=value` text (no `$` handling: systemd keeps it).
  public static func environment(_ text: String) throws(Failure) -> String {
    let words = try self.words(specifiers(text))
    guard words.count == 1 else { throw Failure(description: "\(words.count) words in one assignment") }
    return String(decoding: words[0], as: UTF8.self)
  }

  /// `%%` to `%`; any other specifier is an error.
  public static func specifiers(_ text: String) throws(Failure) -> String {
    guard text.contains("%") else { return text }
    var out = ""
    var iterator = text.unicodeScalars.makeIterator()
    while let scalar = iterator.next() {
      guard scalar == "%" else {
        out.unicodeScalars.append(scalar)
        continue
      }
      guard iterator.next() == "%" else { throw Failure(description: "a % that systemd would expand") }
      out += "%"
    }
    return out
  }

  /// `$$` to `$`; any other `$` is an error (systemd would expand `$NAME` and `${NAME}`).
  public static func dollars(_ word: [UInt8]) throws(Failure) -> String {
    var out: [UInt8] = []
    var index = 0
    while index < word.count {
      if word[index] == UInt8(ascii: "$") {
        guard index + 1 < word.count, word[index + 1] == UInt8(ascii: "$") else {
          throw Failure(description: "a $ that systemd would expand")
        }
        index += 1
      }
      out.append(word[index])
      index += 1
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// Splits on unquoted white space, removing quotes and C escapes; words as bytes.
  public static func words(_ text: String) throws(Failure) -> [[UInt8]] {
    let bytes = Array(text.utf8)
    var words: [[UInt8]] = []
    var index = 0
    let separators: Set<UInt8> = [0x20, 0x09, 0x0a, 0x0d]
    while true {
      while index < bytes.count, separators.contains(bytes[index]) { index += 1 }
      guard index < bytes.count else { return words }
      var word: [UInt8] = []
      var quote: UInt8?
      while index < bytes.count {
        let byte = bytes[index]
        if byte == UInt8(ascii: "\\") {
          index += 1
          guard index < bytes.count else { throw Failure(description: "a \\ at the end") }
          index = try unescape(bytes, at: index, into: &word)
          continue
        }
        if let open = quote {
          if byte == open { quote = nil } else { word.append(byte) }
        } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
          quote = byte
        } else if separators.contains(byte) {
          break
        } else {
          word.append(byte)
        }
        index += 1
      }
      if quote != nil { throw Failure(description: "an unterminated quote") }
      words.append(word)
    }
  }

  /// One escape after a backslash (cunescape_one); returns the index after it.
  static func unescape(_ bytes: [UInt8], at start: Int, into word: inout [UInt8]) throws(Failure) -> Int {
    let simple: [UInt8: UInt8] = [
      UInt8(ascii: "a"): 7, UInt8(ascii: "b"): 8, UInt8(ascii: "f"): 12, UInt8(ascii: "n"): 10,
      UInt8(ascii: "r"): 13, UInt8(ascii: "t"): 9, UInt8(ascii: "v"): 11, UInt8(ascii: "\\"): 0x5c,
      UInt8(ascii: "\""): 0x22, UInt8(ascii: "'"): 0x27, UInt8(ascii: "s"): 0x20,
    ]
    let byte = bytes[start]
    if let value = simple[byte] {
      word.append(value)
      return start + 1
    }
    if byte == UInt8(ascii: "x") {
      guard start + 2 < bytes.count, let high = hex(bytes[start + 1]), let low = hex(bytes[start + 2]) else {
        throw Failure(description: "a bad \\x escape")
      }
      let value = high << 4 | low
      guard value != 0 else { throw Failure(description: "\\x00, which systemd refuses") }
      word.append(value)
      return start + 3
    }
    throw Failure(description: "an escape systemd does not know: \\\(Character(Unicode.Scalar(byte)))")
  }

  private static func hex(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
  }
}
