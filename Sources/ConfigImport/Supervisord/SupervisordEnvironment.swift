/// supervisord's `environment=KEY="val",KEY2=val2`, read exactly as supervisord reads it.
///
/// supervisord feeds the value to Python's `shlex.shlex` in its non-POSIX mode with `/.+-():` added
/// to the word characters, then takes tokens three at a time (`KEY`, `=`, value), strips any `'`
/// and `"` from both ends of the value and skips one token (the comma). The quirks follow from
/// that and are kept: a `#` starts a comment, quotes stay part of a word that does not start with
/// one, a value of several unquoted words keeps only the first.
enum SupervisordEnvironment {
  /// Why the value cannot be read; supervisord refuses the same input.
  struct ParseError: Error, Equatable {
    /// The message, close to supervisord's.
    var message: String
  }

  /// The pairs in order; a key given twice keeps its last value (a Python dict), at its first place.
  static func parse(_ text: String) throws(ParseError) -> [(String, String)] {
    let tokens = try tokenize(text)
    var pairs: [(String, String)] = []
    var index = 0
    while index < tokens.count {
      guard index + 2 < tokens.count, tokens[index + 1] == "=" else {
        throw ParseError(message: "Unexpected end of key/value pairs in value '\(text)'")
      }
      let key = tokens[index]
      let value = strippingQuotes(tokens[index + 2])
      if let existing = pairs.firstIndex(where: { $0.0 == key }) {
        pairs[existing].1 = value
      } else {
        pairs.append((key, value))
      }
      index += 4
    }
    return pairs
  }

  /// Python's `str.strip('\'"')`.
  private static func strippingQuotes(_ text: String) -> String {
    var scalars = Substring(text).unicodeScalars
    while let first = scalars.first, first == "'" || first == "\"" { scalars.removeFirst() }
    while let last = scalars.last, last == "'" || last == "\"" { scalars.removeLast() }
    return String(scalars)
  }

  private static let whitespace: Set<Unicode.Scalar> = [" ", "\t", "\r", "\n"]
  private static let quotes: Set<Unicode.Scalar> = ["'", "\""]

  private static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
    if ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) { return true }
    return "_/.+-():".unicodeScalars.contains(scalar)
  }

  /// `list(shlex.shlex(text))` with supervisord's word characters (Python 3's `read_token`, non-POSIX).
  static func tokenize(_ text: String) throws(ParseError) -> [String] {
    enum State: Equatable { case whitespace, word, quote(Unicode.Scalar), end }
    let input = Array(text.unicodeScalars)
    var position = 0
    var pushback: Unicode.Scalar?
    func next() -> Unicode.Scalar? {
      if let scalar = pushback { pushback = nil; return scalar }
      guard position < input.count else { return nil }
      defer { position += 1 }
      return input[position]
    }
    // `instream.readline()`: drops the rest of the line, its newline included.
    func skipLine() {
      while let scalar = next(), scalar != "\n" {}
    }
    var tokens: [String] = []
    var state = State.whitespace
    while state != .end {
      var token = String.UnicodeScalarView()
      readToken: while true {
        let scalar = next()
        switch state {
        case .end:
          break readToken
        case .whitespace:
          guard let scalar else { state = .end; break readToken }
          if whitespace.contains(scalar) {
            if !token.isEmpty { break readToken }
          } else if scalar == "#" {
            skipLine()
          } else if isWordCharacter(scalar) {
            token = String.UnicodeScalarView([scalar])
            state = .word
          } else if quotes.contains(scalar) {
            token = String.UnicodeScalarView([scalar])
            state = .quote(scalar)
          } else {
            token = String.UnicodeScalarView([scalar])
            break readToken
          }
        case .word:
          guard let scalar else { state = .end; break readToken }
          if whitespace.contains(scalar) {
            state = .whitespace
            if !token.isEmpty { break readToken }
          } else if scalar == "#" {
            // Non-POSIX shlex drops the comment and goes on with the same word on the next line.
            skipLine()
          } else if isWordCharacter(scalar) || quotes.contains(scalar) {
            token.append(scalar)
          } else {
            pushback = scalar
            state = .whitespace
            if !token.isEmpty { break readToken }
          }
        case .quote(let quote):
          guard let scalar else { throw ParseError(message: "No closing quotation") }
          token.append(scalar)
          if scalar == quote {
            state = .whitespace
            break readToken
          }
        }
      }
      // An empty token is shlex's end of input in non-POSIX mode.
      if token.isEmpty { break }
      tokens.append(String(token))
    }
    return tokens
  }
}
