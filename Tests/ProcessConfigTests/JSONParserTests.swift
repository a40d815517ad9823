import Testing

@testable import ProcessConfig

/// The hand-written JSON parser: values, positions of errors, and the inputs it must refuse.
@Suite struct JSONParserTests {
  private func parse(_ text: String) throws(JSONParser.SyntaxError) -> JSONValue {
    try JSONParser.parse(Array(text.utf8)).value
  }

  private func syntaxError(_ bytes: [UInt8]) -> JSONParser.SyntaxError? {
    do {
      _ = try JSONParser.parse(bytes)
      return nil
    } catch {
      return error
    }
  }

  private func syntaxError(_ text: String) -> JSONParser.SyntaxError? {
    syntaxError(Array(text.utf8))
  }

  @Test func parsesEveryKindOfValue() throws {
    let value = try parse(#" {"a": [1, -2.5e3, true, false, null, "x\ty\u00e9\ud83d\ude00\/"], "b": {}} "#)
    let object = JSONObject([
      .init(
        key: "a",
        value: .array([
          .number(JSONNumber(value: 1, literal: "1")),
          .number(JSONNumber(value: -2500, literal: "-2.5e3")),
          .bool(true), .bool(false), .null,
          .string("x\tyé😀/"),
        ])),
      .init(key: "b", value: .object(JSONObject())),
    ])
    #expect(value == .object(object))
  }

  @Test func keepsMemberOrderAndFirstOfDuplicateKeys() throws {
    let document = try JSONParser.parse(Array(#"{"z": 1, "a": {"k": 1, "k": 2}, "z": 3}"#.utf8))
    guard case .object(let root) = document.value else {
      Issue.record("root is not an object")
      return
    }
    #expect(root.members.map(\.key) == ["z", "a"])
    #expect(root["z"] == .number(JSONNumber(value: 1, literal: "1")))
    #expect(document.duplicateKeys.map(\.path.description) == ["a.k", "z"])
    #expect(document.duplicateKeys[0].location == JSONParser.Location(line: 1, column: 24))
    #expect(document.duplicateKeys[0].firstLocation == JSONParser.Location(line: 1, column: 16))
  }

  @Test func reportsLineAndColumnOfMissingComma() {
    let error = syntaxError("{\n  \"a\": 1\n  \"b\": 2\n}")
    #expect(error?.description == "invalid JSON at line 3, column 3: expected ',' or '}'")
  }

  @Test func countsColumnsInScalarsNotBytes() {
    // "é" is two bytes but one column.
    let error = syntaxError(#"{"é": x}"#)
    #expect(error?.location == JSONParser.Location(line: 1, column: 7))
  }

  @Test(arguments: [
    ("", "expected a value, found end of file"),
    ("{", "expected a string key or '}', found end of file"),
    ("[1,]", "expected a value, found ']'"),
    ("{\"a\" 1}", "expected ':' after the key, found '1'"),
    ("{\"a\": 1,}", "expected a string key, found '}'"),
    ("[01]", "invalid number: leading zeros are not allowed"),
    ("[1.]", "invalid number: expected a digit after '.', found ']'"),
    ("[1e]", "invalid number: expected a digit in the exponent, found ']'"),
    ("[-]", "invalid number: expected a digit, found ']'"),
    ("[+1]", "expected a value, found '+'"),
    ("[tru]", "invalid literal (expected true)"),
    ("[truex]", "invalid literal (expected true)"),
    ("[NaN]", "expected a value, found 'N'"),
    ("{} {}", "unexpected '{' after the end of the document"),
    ("[\"abc", "unterminated string"),
    ("[\"a\\x\"]", #"invalid escape in a string (valid: \" \\ \/ \b \f \n \r \t \uXXXX)"#),
    ("[\"\\u12G4\"]", #"invalid \u escape: expected four hex digits"#),
    ("[\"\\ud800\"]", #"lone UTF-16 surrogate \uD800 in a string"#),
    ("[\"\\udc00\\ud800\"]", #"lone UTF-16 surrogate \uDC00 in a string"#),
    ("[\"\\ud800\\u0041\"]", #"lone UTF-16 surrogate \uD800 in a string"#),
    ("[\"a\tb\"]", #"control character U+0009 in a string (write it as an escape such as \n or \u0000)"#),
  ])
  func rejectsMalformedText(text: String, reason: String) {
    #expect(syntaxError(text)?.reason == reason)
  }

  @Test(arguments: [
    [UInt8]([0x5B, 0x22, 0xFF, 0x22, 0x5D]),  // 0xFF is never UTF-8
    [0x5B, 0x22, 0xC0, 0xAF, 0x22, 0x5D],  // overlong '/'
    [0x5B, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x5D],  // an encoded surrogate
    [0x5B, 0x22, 0xF4, 0x90, 0x80, 0x80, 0x22, 0x5D],  // past U+10FFFF
    [0x5B, 0x22, 0xE2, 0x82],  // truncated sequence
    [0xFE, 0xFF],  // a UTF-16 byte order mark
  ])
  func rejectsInvalidUTF8(bytes: [UInt8]) {
    #expect(syntaxError(bytes) != nil)
  }

  @Test func acceptsUTF8ByteOrderMark() throws {
    let value = try JSONParser.parse([0xEF, 0xBB, 0xBF] + Array("[]".utf8)).value
    #expect(value == .array([]))
  }

  @Test func keepsNULFromEscapes() throws {
    #expect(try parse(#"["a\u0000b"]"#) == .array([.string("a\u{0}b")]))
  }

  @Test func boundsNestingDepthWithoutOverflowingTheStack() {
    let deep = String(repeating: "[", count: 1_000_000)
    #expect(syntaxError(deep)?.reason == "nesting deeper than \(JSONParser.maximumDepth) levels")
    let allowed = String(repeating: "[", count: JSONParser.maximumDepth) + String(repeating: "]", count: JSONParser.maximumDepth)
    #expect(syntaxError(allowed) == nil)
  }

  @Test func keepsLiteralOfOverflowingNumbers() throws {
    #expect(try parse("[1e400]") == .array([.number(JSONNumber(value: .infinity, literal: "1e400"))]))
  }
}
