/// An INI file read as supervisord reads it: Python's `RawConfigParser` with `;` and `#` inline
/// comments (after whitespace), `=` or `:` between key and value, keys lower-cased, indented lines
/// continuing a value, and a repeated section or key merging into the first (last value wins).
struct INIFile {
  /// One `key = value` with the line it started on.
  struct Entry: Equatable {
    /// The key, lower-cased as Python's `optionxform` does.
    var key: String
    /// The value, continuation lines joined with `\n`.
    var value: String
    /// The 1-based line of the key.
    var line: Int
  }

  /// One `[name]` section.
  struct Section: Equatable {
    /// The name between the brackets.
    var name: String
    /// The 1-based line of the header.
    var line: Int
    /// The entries in the order first seen.
    var entries: [Entry]

    /// The entry for `key`, if present.
    subscript(key: String) -> Entry? { entries.first { $0.key == key } }
  }

  /// The sections in the order first seen (`[DEFAULT]` excluded: its keys are folded into the others).
  var sections: [Section]

  /// Why the file cannot be read; Python's parser refuses the same.
  struct ParseError: Error, Equatable {
    /// The 1-based line.
    var line: Int
    /// What is wrong.
    var message: String
  }

  /// Parses `text`.
  init(parsing text: String) throws(ParseError) {
    var sections: [Section] = []
    var current: Int?
    var currentKey: Int?
    var valueLines: [[String]] = []  // per entry of the current section, its lines (continuations appended)
    var indentLevel = 0

    func flush() {
      guard let section = current else { return }
      for (index, lines) in valueLines.enumerated() {
        var trimmed = lines
        while let last = trimmed.last, last.isEmpty, trimmed.count > 1 { trimmed.removeLast() }
        sections[section].entries[index].value = trimmed.joined(separator: "\n")
      }
    }

    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    for (offset, rawLine) in lines.enumerated() {
      let lineNumber = offset + 1
      let line = rawLine.hasSuffix("\r") ? String(rawLine.dropLast()) : String(rawLine)
      let commentStart = Self.commentStart(in: line)
      let value = String(line.prefix(commentStart ?? line.count)).trimmingCharacters(in: .whitespaces)
      if value.isEmpty {
        // A blank line (not a comment) inside a value is kept, as `empty_lines_in_values` does.
        if commentStart == nil, let key = currentKey { valueLines[key].append("") }
        continue
      }
      let indent = line.prefix { $0 == " " || $0 == "\t" }.count
      if let key = currentKey, indent > indentLevel {
        valueLines[key].append(value)
        continue
      }
      indentLevel = indent
      if value.hasPrefix("["), let close = value.lastIndex(of: "]"), value.index(after: value.startIndex) < close {
        flush()
        let name = String(value[value.index(after: value.startIndex)..<close])
        currentKey = nil
        if let existing = sections.firstIndex(where: { $0.name == name }) {
          current = existing
        } else {
          sections.append(Section(name: name, line: lineNumber, entries: []))
          current = sections.count - 1
        }
        valueLines = sections[current!].entries.map { [$0.value] }
        continue
      }
      guard let section = current else {
        throw ParseError(line: lineNumber, message: "a key before the first [section]: \(value)")
      }
      guard let delimiter = value.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
        throw ParseError(line: lineNumber, message: "expected \"key = value\", found \(value)")
      }
      let key = value[..<delimiter].trimmingCharacters(in: .whitespaces).lowercased()
      let text = value[value.index(after: delimiter)...].trimmingCharacters(in: .whitespaces)
      if let existing = sections[section].entries.firstIndex(where: { $0.key == key }) {
        sections[section].entries[existing].line = lineNumber
        valueLines[existing] = [text]
        currentKey = existing
      } else {
        sections[section].entries.append(Entry(key: key, value: text, line: lineNumber))
        valueLines.append([text])
        currentKey = sections[section].entries.count - 1
      }
    }
    flush()
    // `[DEFAULT]` supplies every other section's missing keys, as in Python.
    if let defaultIndex = sections.firstIndex(where: { $0.name == "DEFAULT" }) {
      let defaults = sections.remove(at: defaultIndex).entries
      for index in sections.indices {
        for entry in defaults where sections[index][entry.key] == nil {
          sections[index].entries.append(entry)
        }
      }
    }
    self.sections = sections
  }

  /// Where a comment starts: a line whose first non-blank is `;` or `#`, or `;`/`#` after whitespace.
  private static func commentStart(in line: String) -> Int? {
    let scalars = Array(line)
    let firstNonBlank = scalars.firstIndex { $0 != " " && $0 != "\t" }
    if let first = firstNonBlank, scalars[first] == ";" || scalars[first] == "#" { return 0 }
    for index in scalars.indices.dropFirst() where scalars[index] == ";" || scalars[index] == "#" {
      if scalars[index - 1].isWhitespace { return index }
    }
    return nil
  }
}
