import CgiPoolTestKit
import Testing
import UnitCompiler

/// Generated-input tests of unit-file quoting, checked with an independent
/// decoder that follows systemd's documented order: unquote and C-unescape a
/// word, then expand `%%`, then (at exec time) `$$`.
@Suite struct EscapingTests {
  /// The fuzz-escape finding: `$` followed by a combining mark is one Character, which a
  /// Character-wise replacement skipped; over D-Bus that `$` reached systemd single.
  @Test(arguments: ["$\u{33B}\u{5}", "a$\u{301}b", "$$\u{33B}", "\u{33B}$", "$", "no dollar"])
  func everyDollarByteIsDoubledForTheBus(word: String) {
    let doubled = TransientUnitBuilder.doublingDollars(word)
    #expect(doubled.utf8.filter { $0 == UInt8(ascii: "$") }.count == 2 * word.utf8.filter { $0 == UInt8(ascii: "$") }.count)
    #expect(Array(doubled.utf8).count == Array(word.utf8).count + word.utf8.filter { $0 == UInt8(ascii: "$") }.count)
    #expect(TransientUnitBuilder.undoublingDollars(doubled) == word)
  }

  @Test func randomArgumentsRoundTrip() throws {
    var generator = SeededGenerator(seed: 0x5eed_cafe)
    for _ in 0..<1000 {
      let argv = (0..<Int.random(in: 1...5, using: &generator)).map { _ in NastyStrings.make(using: &generator) }
      let line = UnitFileSyntax.command(ExecCommand(path: "/bin/echo", argv: argv))
      let decoded = try #require(ReferenceDecoder.execLine(line), "undecodable: \(line)")
      #expect(decoded.path == "/bin/echo")
      #expect(decoded.argv == argv, "line: \(line)")
      #expect(!line.contains("\n"), "a unit-file value must stay on one line")
    }
  }

  @Test func randomEnvironmentValuesRoundTrip() throws {
    var generator = SeededGenerator(seed: 42)
    for _ in 0..<1000 {
      let value = NastyStrings.make(using: &generator)
      let rendered = UnitFileSyntax.render(.environment(name: "VALUE", value: value))
      let words = try #require(ReferenceDecoder.words(rendered))
      #expect(words.map(ReferenceDecoder.specifiers) == ["VALUE=" + value], "rendered: \(rendered)")
    }
  }

  @Test func knownHardCases() {
    #expect(UnitFileSyntax.quoteArgument("50%") == "\"50%%\"")
    #expect(UnitFileSyntax.quoteArgument("${HOME}") == "\"$${HOME}\"")
    #expect(UnitFileSyntax.quoteArgument("a\"b\\c") == "\"a\\\"b\\\\c\"")
    #expect(UnitFileSyntax.quoteArgument(";") == "\";\"")
    #expect(UnitFileSyntax.quoteArgument("") == "\"\"")
    #expect(UnitFileSyntax.quoteLiteral("$x") == "\"$x\"")
    #expect(UnitFileSyntax.duration(1_500_000) == "1500ms")
    #expect(UnitFileSyntax.duration(10_000_000) == "10s")
  }
}

/// An independent reading of systemd's rules for `ExecStart=` and `Environment=` values.
enum ReferenceDecoder {
  /// Splits a value into words: double-quoted or bare, with C escapes.
  static func words(_ text: String) -> [String]? {
    var words: [String] = []
    var scalars = Array(text.unicodeScalars)[...]
    while true {
      while let first = scalars.first, first == " " { scalars.removeFirst() }
      guard !scalars.isEmpty else { return words }
      var word = String.UnicodeScalarView()
      var quoted = false
      while let scalar = scalars.first {
        if !quoted && scalar == " " { break }
        scalars.removeFirst()
        if scalar == "\"" { quoted.toggle(); continue }
        if scalar == "\\" {
          guard let escaped = scalars.popFirst() else { return nil }
          switch escaped {
          case "n": word.append("\n")
          case "t": word.append("\t")
          case "r": word.append("\r")
          case "\\", "\"", "'": word.append(escaped)
          case "x":
            guard scalars.count >= 2, let value = UInt32(String(String.UnicodeScalarView(scalars.prefix(2))), radix: 16)
            else { return nil }
            scalars.removeFirst(2)
            word.append(Unicode.Scalar(value)!)
          default: return nil
          }
          continue
        }
        word.append(scalar)
      }
      if quoted { return nil }
      words.append(String(word))
    }
  }

  /// `%%` → `%`; any other specifier would be expanded, which the encoder must never produce.
  static func specifiers(_ word: String) -> String {
    word.replacingOccurrences(of: "%%", with: "\u{0}").replacingOccurrences(of: "%", with: "<SPECIFIER>")
      .replacingOccurrences(of: "\u{0}", with: "%")
  }

  /// `$$` → `$`; a lone `$` would be a variable reference.
  static func variables(_ word: String) -> String {
    word.replacingOccurrences(of: "$$", with: "\u{0}").replacingOccurrences(of: "$", with: "<VARIABLE>")
      .replacingOccurrences(of: "\u{0}", with: "$")
  }

  /// Decodes `@"path" "argv0" ...` into the path and the argv the process receives.
  static func execLine(_ line: String) -> (path: String, argv: [String])? {
    guard line.hasPrefix("@"), let words = words(String(line.dropFirst())), words.count >= 2 else { return nil }
    return (specifiers(words[0]), words.dropFirst().map { variables(specifiers($0)) })
  }
}
