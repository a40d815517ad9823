/// supervisord's `%(name)s` expansions: Python's `text % mapping` for the forms supervisord documents.
///
/// Handles `%%`, and `%(name)` followed by flags (`-`, `0`, ` `, `+`), a width and a type `s`, `d`
/// or `i` (`%(process_num)02d`). A name the mapping lacks, or `d` on a value that is not a number,
/// is an error, as it is for supervisord.
enum PercentExpansion {
  /// A value the mapping holds.
  enum Value: Equatable {
    /// Text (`%(here)s`, `%(ENV_HOME)s`).
    case text(String)
    /// A number (`%(process_num)d`).
    case number(Int)
    /// cgipool's instance number placeholder, from 0 (`{replica0}`) or from 1 (`{replica}`):
    /// `%(process_num)02d` of a program whose copies become `replicas` renders as `{replica0:02}`.
    case replica(zeroBased: Bool)
  }

  /// Why `text` cannot be expanded.
  struct ExpansionError: Error, Equatable {
    /// What is wrong.
    var message: String
  }

  /// The names the text uses, in order (for deciding, say, whether a command uses `process_num`).
  static func names(in text: String) -> [String] {
    var names: [String] = []
    var rest = Substring(text)
    while let percent = rest.firstIndex(of: "%") {
      rest = rest[rest.index(after: percent)...]
      if rest.first == "%" { rest = rest.dropFirst(); continue }
      guard rest.first == "(", let close = rest.firstIndex(of: ")") else { continue }
      names.append(String(rest[rest.index(after: rest.startIndex)..<close]))
      rest = rest[rest.index(after: close)...]
    }
    return names
  }

  /// `text % mapping`.
  static func expand(_ text: String, _ mapping: [String: Value]) throws(ExpansionError) -> String {
    var output = ""
    var index = text.startIndex
    while let percent = text[index...].firstIndex(of: "%") {
      output += text[index..<percent]
      var cursor = text.index(after: percent)
      guard cursor < text.endIndex else { throw ExpansionError(message: "incomplete format: a lone % at the end") }
      if text[cursor] == "%" {
        output += "%"
        index = text.index(after: cursor)
        continue
      }
      guard text[cursor] == "(", let close = text[cursor...].firstIndex(of: ")") else {
        throw ExpansionError(message: "a % not followed by (name) or %: write %% for a literal %")
      }
      let name = String(text[text.index(after: cursor)..<close])
      cursor = text.index(after: close)
      var flags = ""
      while cursor < text.endIndex, "-0 +#".contains(text[cursor]) {
        flags.append(text[cursor])
        cursor = text.index(after: cursor)
      }
      var widthText = ""
      while cursor < text.endIndex, text[cursor].isASCII, text[cursor].isNumber {
        widthText.append(text[cursor])
        cursor = text.index(after: cursor)
      }
      guard cursor < text.endIndex, "sdir".contains(text[cursor]) else {
        throw ExpansionError(message: "unsupported format in %(\(name)): use s or d")
      }
      let type = text[cursor]
      cursor = text.index(after: cursor)
      guard let value = mapping[name] else {
        let available = mapping.keys.filter { !$0.hasPrefix("ENV_") }.sorted().joined(separator: ", ")
        throw ExpansionError(message: "%(\(name)) cannot be expanded (available: \(available), ENV_*)")
      }
      var rendered: String
      if case .replica(let zeroBased) = value {
        // A zero-padded width is cgipool's `:0W` (W up to 9); any other padding is dropped.
        let width = Int(widthText) ?? 0
        let format = flags.contains("0") && (1...9).contains(width) && type != "s" ? ":0\(width)" : ""
        output += "{replica" + (zeroBased ? "0" : "") + format + "}"
        index = cursor
        continue
      }
      switch (type, value) {
      case ("s", .text(let string)), ("r", .text(let string)): rendered = type == "r" ? "'\(string)'" : string
      case ("s", .number(let number)), ("r", .number(let number)): rendered = String(number)
      case (_, .number(let number)):
        rendered = String(abs(number))
        let sign = number < 0 ? "-" : (flags.contains("+") ? "+" : (flags.contains(" ") ? " " : ""))
        let width = Int(widthText) ?? 0
        if flags.contains("0"), !flags.contains("-"), rendered.count + sign.count < width {
          rendered = String(repeating: "0", count: width - rendered.count - sign.count) + rendered
        }
        rendered = sign + rendered
      case (_, .replica):
        rendered = ""  // rendered above
      case (_, .text(let string)):
        throw ExpansionError(message: "%(\(name))\(type) needs a number, but \(name) is \"\(string)\"")
      }
      let width = Int(widthText) ?? 0
      if rendered.count < width {
        let padding = String(repeating: " ", count: width - rendered.count)
        rendered = flags.contains("-") ? rendered + padding : padding + rendered
      }
      output += rendered
      index = cursor
    }
    output += text[index...]
    return output
  }
}
