/// A pattern that recognises a pool process running outside the pool's units.
///
/// How a pattern matches a process:
///
/// 1. The pattern is split at unescaped spaces or tabs into glob words
///    (`dotnet run *8080` has three). In a word, `*` matches any run of
///    characters, `?` one character, `[abc]`/`[a-z]`/`[!a-z]` one character
///    of a class, and `\` makes the next character literal (`\ ` is a space).
///    None of them matches `/`.
/// 2. A word matches an argv word by *path suffix on component boundaries*:
///    a word with `k` slashes is compared with the last `k + 1` `/`-separated
///    components of the argv word (all of them when the word starts with `/`).
///    So `*.cgi` matches `echo.cgi` and `/srv/cgi-bin/echo.cgi`;
///    `pool/manager.py` matches `pool/manager.py` and `/ops/demo/pool/manager.py`
///    but neither `mypool/manager.py` nor `pool/manager.pyc`; `*8080` matches
///    `8080`, `:8080` or `http://localhost:8080` (its last component).
/// 3. The first word must match a *program word* of the argv: `argv[0]`, or
///    the script an interpreter runs (`python3 -u /x/sample_a_cgi.py`,
///    `sh ./dotnet run`), or the command `env` runs (see `ProgramWords`).
///    Arguments are never program words: `tail -f x.cgi`,
///    `vim pool/manager.py` and `python3 -c ... sample_a_cgi.py` do not match.
/// 4. Each further word must match a later argv word, in order, with any
///    number of other words allowed in between: `dotnet run *8080` matches
///    `dotnet run --urls http://localhost:8080` and
///    `dotnet-script *.csx` matches `dotnet-script -d /x/a.csx`.
/// 5. When the argv looks rewritten (no program word's basename equals the
///    kernel's `comm`, as after `exec -a` or `setproctitle`), the first word
///    may also match `comm` (only if shorter than 15 bytes, since longer names
///    are truncated by the kernel) or the executable (`/proc/PID/exe`); the
///    further words are then searched in the whole argv. An argv that is a
///    single word containing spaces (a rewritten title) is split at spaces.
public struct OrphanPattern: Sendable, Equatable, CustomStringConvertible {
  /// The pattern as written in the config.
  public let text: String
  /// The compiled words, in order, never empty.
  let words: [GlobWord]

  /// Compiles `text`; throws when it has no words or a word is malformed.
  public init(_ text: String) throws(InvalidOrphanPattern) {
    self.text = text
    var words: [GlobWord] = []
    for source in Self.split(text) {
      do {
        words.append(try GlobWord(source))
      } catch {
        throw InvalidOrphanPattern(pattern: text, message: error.message)
      }
    }
    guard !words.isEmpty else { throw InvalidOrphanPattern(pattern: text, message: "pattern is empty") }
    self.words = words
  }

  /// Compiles every pattern, collecting all failures into one error list.
  public static func compile(_ texts: [String]) throws(OrphanPatternErrors) -> [OrphanPattern] {
    var patterns: [OrphanPattern] = []
    var errors: [InvalidOrphanPattern] = []
    for text in texts {
      do {
        patterns.append(try OrphanPattern(text))
      } catch {
        errors.append(error)
      }
    }
    guard errors.isEmpty else { throw OrphanPatternErrors(errors: errors) }
    return patterns
  }

  /// The pattern as written.
  public var description: String { text }

  /// Whether a process with this argv (and optionally its kernel `comm` and executable path) matches.
  ///
  /// Without `comm` the argv counts as rewritten only when it is empty, so
  /// `executable` is consulted only then.
  public func matches(argv: [String], comm: String? = nil, executable: String? = nil) -> Bool {
    var buffer: [UInt8] = []
    var ranges: [Range<Int>] = []
    for word in argv {
      let start = buffer.count
      buffer.append(contentsOf: word.utf8)
      ranges.append(start..<buffer.count)
    }
    let command = ProcessCommand(
      words: CommandWords(buffer: buffer, ranges: ranges), comm: comm.map { Array($0.utf8)[...] },
      executable: { executable.map { Array($0.utf8)[...] } })
    return matches(command)
  }

  /// The matcher the scanner uses, on a command analysed once for all patterns.
  func matches(_ command: ProcessCommand) -> Bool {
    let words = command.words
    for position in command.programs where self.words[0].matches(words[position]) {
      if matchesRest(words, from: position + 1) { return true }
    }
    guard command.looksRewritten else { return false }
    if let comm = command.comm, comm.count < Self.commLimit, self.words[0].matches(comm), matchesRest(words, from: 0) {
      return true
    }
    if let exe = command.executable(), self.words[0].matches(exe), matchesRest(words, from: 0) { return true }
    return false
  }

  /// The kernel truncates `comm` to 15 bytes, so a name of that length may be cut short.
  static let commLimit = 15

  /// Whether words after the first match later argv words in order, starting at `start`.
  private func matchesRest(_ argv: [ArraySlice<UInt8>], from start: Int) -> Bool {
    var index = start
    for word in self.words.dropFirst() {
      // Greedy earliest match is enough: each word is free to match any one later argv word.
      while index < argv.count, !word.matches(argv[index]) { index += 1 }
      guard index < argv.count else { return false }
      index += 1
    }
    return true
  }

  /// Splits at unescaped blanks, keeping escapes for `GlobWord` to interpret.
  static func split(_ text: String) -> [String] {
    var words: [String] = []
    var current = ""
    var escaped = false
    for character in text {
      if escaped {
        current.append(character)
        escaped = false
      } else if character == "\\" {
        current.append(character)
        escaped = true
      } else if character == " " || character == "\t" {
        if !current.isEmpty { words.append(current) }
        current = ""
      } else {
        current.append(character)
      }
    }
    if !current.isEmpty { words.append(current) }
    return words
  }
}
