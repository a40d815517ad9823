/// A strict RFC 8259 JSON parser over raw bytes.
///
/// Written by hand rather than with `JSONSerialization` or `Codable` so that
/// malformed input is reported with its line and column, duplicate keys are
/// found (the first occurrence wins), booleans stay distinct from numbers,
/// lone UTF-16 surrogates and invalid UTF-8 are rejected, and nesting depth is
/// bounded so no input can exhaust the stack.
struct JSONParser {
  /// The deepest nesting of arrays and objects accepted.
  static let maximumDepth = 100

  /// A parsed document plus the duplicate keys found along the way.
  struct Document: Sendable {
    /// The root value.
    var value: JSONValue
    /// Every repeated key, in document order.
    var duplicateKeys: [DuplicateKey]
  }

  /// A key that appeared twice in one object.
  struct DuplicateKey: Sendable, Equatable {
    /// The path of the key (the object path plus the key).
    var path: ConfigPath
    /// Where the repeated occurrence is.
    var location: Location
    /// Where the first occurrence (the one kept) is.
    var firstLocation: Location
  }

  /// A 1-based line and column; columns count Unicode scalars.
  struct Location: Sendable, Equatable, CustomStringConvertible {
    /// 1-based line.
    var line: Int
    /// 1-based column.
    var column: Int

    /// `line 3, column 7`.
    var description: String { "line \(line), column \(column)" }
  }

  /// Malformed input: what was expected and where.
  struct SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where the problem is.
    var location: Location
    /// What is wrong, without the location.
    var reason: String

    /// `invalid JSON at line 3, column 7: expected ',' or '}'`.
    var description: String { "invalid JSON at \(location): \(reason)" }
  }

  private let bytes: [UInt8]
  private var offset = 0
  private var depth = 0
  private var path: [ConfigPath.Component] = []
  private var duplicateKeys: [DuplicateKey] = []

  private init(bytes: [UInt8]) {
    self.bytes = bytes
  }

  /// Parses a whole document; anything but whitespace after the root value is an error.
  static func parse(_ bytes: [UInt8]) throws(SyntaxError) -> Document {
    var parser = JSONParser(bytes: bytes)
    // A UTF-8 byte order mark is harmless; editors on some systems add one.
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.offset = 3 }
    parser.skipWhitespace()
    let value = try parser.parseValue()
    parser.skipWhitespace()
    if parser.offset < bytes.count {
      throw parser.error("unexpected \(parser.describeCurrent()) after the end of the document")
    }
    return Document(value: value, duplicateKeys: parser.duplicateKeys)
  }

  // MARK: - Values

  private mutating func parseValue() throws(SyntaxError) -> JSONValue {
    guard offset < bytes.count else { throw error("expected a value, found end of file") }
    switch bytes[offset] {
    case UInt8(ascii: "{"): return try parseObject()
    case UInt8(ascii: "["): return try parseArray()
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"): try parseLiteral("true"); return .bool(true)
    case UInt8(ascii: "f"): try parseLiteral("false"); return .bool(false)
    case UInt8(ascii: "n"): try parseLiteral("null"); return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
    default: throw error("expected a value, found \(describeCurrent())")
    }
  }

  private mutating func enterContainer() throws(SyntaxError) {
    depth += 1
    if depth > Self.maximumDepth {
      throw error("nesting deeper than \(Self.maximumDepth) levels")
    }
  }

  private mutating func parseObject() throws(SyntaxError) -> JSONValue {
    try enterContainer()
    offset += 1  // '{'
    var members: [JSONObject.Member] = []
    // Offsets of the first occurrence of each key, to report duplicates with both places.
    var firstOffsets: [String: Int] = [:]
    skipWhitespace()
    if peek(UInt8(ascii: "}")) {
      offset += 1
      depth -= 1
      return .object(JSONObject(members))
    }
    while true {
      skipWhitespace()
      guard peek(UInt8(ascii: "\"")) else {
        throw error(members.isEmpty ? "expected a string key or '}'" : "expected a string key", showingFound: true)
      }
      let keyOffset = offset
      let key = try parseString()
      skipWhitespace()
      guard peek(UInt8(ascii: ":")) else { throw error("expected ':' after the key", showingFound: true) }
      offset += 1
      skipWhitespace()
      path.append(.key(key))
      let value = try parseValue()
      if let first = firstOffsets[key] {
        duplicateKeys.append(
          DuplicateKey(
            path: ConfigPath(path),
            location: location(of: keyOffset),
            firstLocation: location(of: first)
          ))
      } else {
        firstOffsets[key] = keyOffset
        members.append(JSONObject.Member(key: key, value: value))
      }
      path.removeLast()
      skipWhitespace()
      guard offset < bytes.count else { throw error("expected ',' or '}', found end of file") }
      if bytes[offset] == UInt8(ascii: ",") {
        offset += 1
        continue
      }
      if bytes[offset] == UInt8(ascii: "}") {
        offset += 1
        depth -= 1
        return .object(JSONObject(members))
      }
      throw error("expected ',' or '}'")
    }
  }

  private mutating func parseArray() throws(SyntaxError) -> JSONValue {
    try enterContainer()
    offset += 1  // '['
    var elements: [JSONValue] = []
    skipWhitespace()
    if peek(UInt8(ascii: "]")) {
      offset += 1
      depth -= 1
      return .array(elements)
    }
    while true {
      skipWhitespace()
      path.append(.index(elements.count))
      elements.append(try parseValue())
      path.removeLast()
      skipWhitespace()
      guard offset < bytes.count else { throw error("expected ',' or ']', found end of file") }
      if bytes[offset] == UInt8(ascii: ",") {
        offset += 1
        continue
      }
      if bytes[offset] == UInt8(ascii: "]") {
        offset += 1
        depth -= 1
        return .array(elements)
      }
      throw error("expected ',' or ']'")
    }
  }

  private mutating func parseLiteral(_ word: StaticString) throws(SyntaxError) {
    let start = offset
    let expected = word.withUTF8Buffer { Array($0) }
    for byte in expected {
      guard offset < bytes.count, bytes[offset] == byte else {
        offset = start
        throw error("invalid literal (expected \(word))")
      }
      offset += 1
    }
    // `truex` is not `true` followed by garbage we could explain better: call it what it is.
    if offset < bytes.count, isIdentifierByte(bytes[offset]) {
      offset = start
      throw error("invalid literal (expected \(word))")
    }
  }

  private mutating func parseNumber() throws(SyntaxError) -> JSONNumber {
    let start = offset
    if peek(UInt8(ascii: "-")) { offset += 1 }
    guard offset < bytes.count, isDigit(bytes[offset]) else {
      throw error("invalid number: expected a digit", showingFound: true)
    }
    if bytes[offset] == UInt8(ascii: "0") {
      offset += 1
      if offset < bytes.count, isDigit(bytes[offset]) {
        throw error("invalid number: leading zeros are not allowed")
      }
    } else {
      while offset < bytes.count, isDigit(bytes[offset]) { offset += 1 }
    }
    if peek(UInt8(ascii: ".")) {
      offset += 1
      guard offset < bytes.count, isDigit(bytes[offset]) else {
        throw error("invalid number: expected a digit after '.'", showingFound: true)
      }
      while offset < bytes.count, isDigit(bytes[offset]) { offset += 1 }
    }
    if peek(UInt8(ascii: "e")) || peek(UInt8(ascii: "E")) {
      offset += 1
      if peek(UInt8(ascii: "+")) || peek(UInt8(ascii: "-")) { offset += 1 }
      guard offset < bytes.count, isDigit(bytes[offset]) else {
        throw error("invalid number: expected a digit in the exponent", showingFound: true)
      }
      while offset < bytes.count, isDigit(bytes[offset]) { offset += 1 }
    }
    // The grammar above admits only ASCII, so this decoding is lossless.
    let literal = String(decoding: bytes[start..<offset], as: UTF8.self)
    // Double(_:) accepts every JSON number literal; an overflowing one becomes ±infinity,
    // which range checks then reject with the literal in the message.
    return JSONNumber(value: Double(literal) ?? .nan, literal: literal)
  }

  // MARK: - Strings

  private mutating func parseString() throws(SyntaxError) -> String {
    let start = offset
    offset += 1  // '"'
    var utf8: [UInt8] = []
    while true {
      guard offset < bytes.count else {
        throw error("unterminated string", at: start)
      }
      let byte = bytes[offset]
      switch byte {
      case UInt8(ascii: "\""):
        offset += 1
        // Every byte appended was validated as UTF-8, so decoding does not repair anything.
        return String(decoding: utf8, as: UTF8.self)
      case UInt8(ascii: "\\"):
        try parseEscape(into: &utf8)
      case 0x00..<0x20:
        throw error("control character U+\(hex(UInt32(byte), width: 4)) in a string (write it as an escape such as \\n or \\u0000)")
      case 0x20..<0x80:
        utf8.append(byte)
        offset += 1
      default:
        try copyUTF8Sequence(into: &utf8)
      }
    }
  }

  private mutating func parseEscape(into utf8: inout [UInt8]) throws(SyntaxError) {
    let escapeStart = offset
    offset += 1  // '\'
    guard offset < bytes.count else { throw error("unterminated string", at: escapeStart) }
    let byte = bytes[offset]
    offset += 1
    switch byte {
    case UInt8(ascii: "\""): utf8.append(byte)
    case UInt8(ascii: "\\"): utf8.append(byte)
    case UInt8(ascii: "/"): utf8.append(byte)
    case UInt8(ascii: "b"): utf8.append(0x08)
    case UInt8(ascii: "f"): utf8.append(0x0C)
    case UInt8(ascii: "n"): utf8.append(0x0A)
    case UInt8(ascii: "r"): utf8.append(0x0D)
    case UInt8(ascii: "t"): utf8.append(0x09)
    case UInt8(ascii: "u"):
      let unit = try parseHex4(escapeStart: escapeStart)
      var scalarValue = UInt32(unit)
      if (0xD800...0xDBFF).contains(unit) {
        // A high surrogate must be followed at once by an escaped low surrogate.
        guard offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u") else {
          throw error("lone UTF-16 surrogate \\u\(hex(UInt32(unit), width: 4)) in a string", at: escapeStart)
        }
        let lowStart = offset
        offset += 2
        let low = try parseHex4(escapeStart: lowStart)
        guard (0xDC00...0xDFFF).contains(low) else {
          throw error("lone UTF-16 surrogate \\u\(hex(UInt32(unit), width: 4)) in a string", at: escapeStart)
        }
        scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
      } else if (0xDC00...0xDFFF).contains(unit) {
        throw error("lone UTF-16 surrogate \\u\(hex(UInt32(unit), width: 4)) in a string", at: escapeStart)
      }
      // Surrogates were handled above, so every remaining value is a valid scalar.
      guard let scalar = Unicode.Scalar(scalarValue) else {
        throw error("invalid escape in a string", at: escapeStart)
      }
      utf8.append(contentsOf: Array(String(Character(scalar)).utf8))
    default:
      offset = escapeStart
      throw error("invalid escape in a string (valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)")
    }
  }

  private mutating func parseHex4(escapeStart: Int) throws(SyntaxError) -> UInt16 {
    var value: UInt16 = 0
    for _ in 0..<4 {
      guard offset < bytes.count, let digit = hexValue(bytes[offset]) else {
        throw error("invalid \\u escape: expected four hex digits", at: escapeStart)
      }
      value = value << 4 | UInt16(digit)
      offset += 1
    }
    return value
  }

  /// Copies one multi-byte UTF-8 sequence, rejecting overlong forms, surrogates and values past U+10FFFF.
  private mutating func copyUTF8Sequence(into utf8: inout [UInt8]) throws(SyntaxError) {
    let lead = bytes[offset]
    let length: Int
    var lowerBound: UInt8 = 0x80
    var upperBound: UInt8 = 0xBF
    switch lead {
    case 0xC2...0xDF: length = 2
    case 0xE0: length = 3; lowerBound = 0xA0
    case 0xE1...0xEC, 0xEE...0xEF: length = 3
    case 0xED: length = 3; upperBound = 0x9F  // excludes encoded surrogates
    case 0xF0: length = 4; lowerBound = 0x90
    case 0xF1...0xF3: length = 4
    case 0xF4: length = 4; upperBound = 0x8F  // nothing past U+10FFFF
    default: throw error("invalid UTF-8 byte 0x\(hex(UInt32(lead), width: 2))")
    }
    guard offset + length <= bytes.count else { throw error("invalid UTF-8 sequence (truncated)") }
    for index in 1..<length {
      let byte = bytes[offset + index]
      let range = index == 1 ? lowerBound...upperBound : 0x80...0xBF
      guard range.contains(byte) else {
        throw error("invalid UTF-8 sequence starting with byte 0x\(hex(UInt32(lead), width: 2))")
      }
    }
    utf8.append(contentsOf: bytes[offset..<(offset + length)])
    offset += length
  }

  // MARK: - Helpers

  private mutating func skipWhitespace() {
    while offset < bytes.count {
      switch bytes[offset] {
      case 0x20, 0x09, 0x0A, 0x0D: offset += 1
      default: return
      }
    }
  }

  private func peek(_ byte: UInt8) -> Bool {
    offset < bytes.count && bytes[offset] == byte
  }

  private func isDigit(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
  }

  private func isIdentifierByte(_ byte: UInt8) -> Bool {
    isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
      || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || byte == UInt8(ascii: "_")
  }

  private func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
  }

  private func hex(_ value: UInt32, width: Int) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
  }

  /// The byte at the cursor, described for a message: `'x'`, `byte 0xFF` or `end of file`.
  private func describeCurrent() -> String {
    guard offset < bytes.count else { return "end of file" }
    let byte = bytes[offset]
    if (0x21..<0x7F).contains(byte) { return "'\(Character(Unicode.Scalar(byte)))'" }
    return "byte 0x\(hex(UInt32(byte), width: 2))"
  }

  /// The line and column of a byte offset; columns count scalars, so continuation bytes are skipped.
  private func location(of target: Int) -> Location {
    var line = 1
    var column = 1
    var index = 0
    let end = min(target, bytes.count)
    while index < end {
      let byte = bytes[index]
      if byte == 0x0A {
        line += 1
        column = 1
      } else if byte & 0xC0 != 0x80 {
        column += 1
      }
      index += 1
    }
    return Location(line: line, column: column)
  }

  private func error(_ reason: String, at position: Int? = nil, showingFound: Bool = false) -> SyntaxError {
    let found = showingFound ? ", found \(describeCurrent())" : ""
    return SyntaxError(location: location(of: position ?? offset), reason: reason + found)
  }
}
