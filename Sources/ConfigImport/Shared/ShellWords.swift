/// Splitting command lines into words the way the peers do.
enum ShellWords {
  /// Why a command line cannot be split.
  struct SplitError: Error, Equatable {
    /// Python's message for the same input, so users recognise it.
    var message: String
  }

  /// Python's `shlex.split(text)` (POSIX mode, no comments), which supervisord applies to `command`.
  ///
  /// Single quotes keep everything; double quotes let `\` escape only `"`, `\`; outside quotes `\`
  /// escapes any character. An unclosed quote or a trailing `\` is an error, as in Python.
  static func posixSplit(_ text: String) throws(SplitError) -> [String] {
    var words: [String] = []
    var word = String.UnicodeScalarView()
    var inWord = false
    var scalars = text.unicodeScalars.makeIterator()
    while let scalar = scalars.next() {
      switch scalar {
      case " ", "\t", "\r", "\n":
        if inWord { words.append(String(word)); word = .init(); inWord = false }
      case "'":
        inWord = true
        var closed = false
        while let next = scalars.next() {
          if next == "'" { closed = true; break }
          word.append(next)
        }
        if !closed { throw SplitError(message: "No closing quotation") }
      case "\"":
        inWord = true
        var closed = false
        while let next = scalars.next() {
          if next == "\"" { closed = true; break }
          if next == "\\" {
            guard let escaped = scalars.next() else { throw SplitError(message: "No escaped character") }
            if escaped != "\"" && escaped != "\\" { word.append("\\") }
            word.append(escaped)
            continue
          }
          word.append(next)
        }
        if !closed { throw SplitError(message: "No closing quotation") }
      case "\\":
        inWord = true
        guard let escaped = scalars.next() else { throw SplitError(message: "No escaped character") }
        word.append(escaped)
      default:
        inWord = true
        word.append(scalar)
      }
    }
    if inWord { words.append(String(word)) }
    return words
  }

  /// Characters that make a command line need a shell (Ruby's `Process.spawn` rule, which foreman
  /// relies on, plus `!` and `%`): variables, globs, redirections, pipes, lists, quotes, comments.
  static let shellCharacters: Set<Unicode.Scalar> = [
    "*", "?", "{", "}", "[", "]", "<", ">", "(", ")", "~", "&", "|", "\\", "$", ";", "'", "`", "\"", "\n", "#",
    "=", "%", "!",
  ]

  /// Words that only a shell understands at the start of a command.
  static let shellWords: Set<String> = [
    "!", ".", ":", "break", "case", "cd", "continue", "do", "done", "elif", "else", "esac", "eval", "exec", "exit",
    "export", "fi", "for", "if", "in", "readonly", "return", "set", "shift", "then", "times", "trap", "unset",
    "until", "while", "source", "ulimit", "umask", "wait",
  ]

  /// Whether `text` needs a shell to mean what it says.
  static func needsShell(_ text: String) -> Bool {
    if text.unicodeScalars.contains(where: shellCharacters.contains) { return true }
    let first = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init) ?? ""
    return shellWords.contains(first)
  }

  /// The argv for a command line the peer would hand to a shell: its words when plain, else
  /// `shell argument text` (the text unchanged, so the shell sees exactly what the peer's did).
  static func argv(forShellLine text: String, shell: [String]) -> [String] {
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    if !needsShell(trimmed), let words = try? posixSplit(trimmed), !words.isEmpty { return words }
    return shell + [trimmed]
  }
}
