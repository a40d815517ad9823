import CgiPoolTestKit
import Foundation
import Testing

@testable import ConfigImport

/// The word splitting and environment parsing agree with Python's own `shlex`, which supervisord
/// uses, on generated inputs full of quotes, backslashes, commas, `#` and `=`.
@Suite struct PythonParityTests {
  static let alphabet: [String] = [
    "a", "b", "Z", "0", "9", "_", " ", " ", "\t", "'", "\"", "\\", ",", "=", "#", "/", ".", "-", ":", "(", ")", "$",
    "%", ";", "é", "\n", "A=", ",B=", "=\"", "\",",
  ]

  static func generate(count: Int, seed: UInt64) -> [String] {
    var random = SeededGenerator(seed: seed)
    return (0..<count).map { _ in
      let length = Int.random(in: 0...14, using: &random)
      return (0..<length).map { _ in alphabet.randomElement(using: &random)! }.joined()
    }
  }

  /// Runs `script` with the inputs as JSON on stdin; returns its JSON answer per input.
  static func python(_ script: String, inputs: [String]) throws -> [Any] {
    let data = try PythonScript.run(script, request: inputs)
    return try #require(JSONSerialization.jsonObject(with: data) as? [Any])
  }

  @Test func posixSplitMatchesShlexSplit() throws {
    let inputs = Self.generate(count: 3000, seed: 15)
    let answers = try Self.python(
      """
      import json, shlex, sys
      out = []
      for s in json.load(sys.stdin):
          try: out.append(shlex.split(s))
          except ValueError as e: out.append(str(e))
      print(json.dumps(out))
      """, inputs: inputs)
    var failures = 0
    for (input, answer) in zip(inputs, answers) {
      let mine: Any
      do { mine = try ShellWords.posixSplit(input) } catch { mine = error.message }
      let same = (answer as? [String]).map { $0 == (mine as? [String]) } ?? ((answer as? String) == (mine as? String))
      if !same {
        failures += 1
        if failures < 5 { Issue.record("\(input.debugDescription): python \(answer), cgipool \(mine)") }
      }
    }
    #expect(failures == 0)
  }

  @Test func environmentMatchesSupervisord() throws {
    let inputs = Self.generate(count: 3000, seed: 1515) + ["A=\"x,y\",B=2", "A=1,B='q r',C=\"it's\"", "A=a b,C=3"]
    let answers = try Self.python(
      """
      import json, shlex, sys
      def dict_of_key_value_pairs(arg):
          lexer = shlex.shlex(str(arg))
          lexer.wordchars += '/.+-():'
          tokens = list(lexer)
          D = {}
          order = []
          i = 0
          while i < len(tokens):
              k_eq_v = tokens[i:i+3]
              if len(k_eq_v) != 3 or k_eq_v[1] != '=':
                  raise ValueError('bad')
              if k_eq_v[0] not in D: order.append(k_eq_v[0])
              D[k_eq_v[0]] = k_eq_v[2].strip('\\'"')
              i += 4
          return [[k, D[k]] for k in order]
      out = []
      for s in json.load(sys.stdin):
          try: out.append(dict_of_key_value_pairs(s))
          except ValueError as e: out.append(None)
      print(json.dumps(out))
      """, inputs: inputs)
    var failures = 0
    var parsed = 0
    for (input, answer) in zip(inputs, answers) {
      let mine = try? SupervisordEnvironment.parse(input)
      let theirs = (answer as? [[String]])
      let same: Bool
      if let mine, let theirs {
        same = mine.map { [$0.0, $0.1] } == theirs
        parsed += 1
      } else {
        same = mine == nil && theirs == nil
      }
      if !same {
        failures += 1
        if failures < 5 { Issue.record("\(input.debugDescription): python \(String(describing: theirs)), cgipool \(String(describing: mine))") }
      }
    }
    #expect(failures == 0)
    #expect(parsed > 100, "too few generated inputs parse to test the values")
  }
}
