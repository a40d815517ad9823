/// Finds which argv words name the program a process runs.
///
/// The program is `argv[0]`; when that is a known interpreter (a shell,
/// Python, Perl, Ruby, Node, PHP, dotnet) its script, the first argument that
/// is not an interpreter option, is a program word too; when it is `env`,
/// the command `env` runs (after `NAME=value` words and options) is one, and
/// is examined again in turn. Inline code (`python3 -c`, `sh -c`, `perl -e`,
/// `node -e`) and modules (`python3 -m`) end the search: their arguments are
/// data, not a program.
enum ProgramWords {
  /// How one interpreter family reads its options.
  struct Grammar: Sendable {
    /// Options whose value is the next word (`-W ignore`).
    var valueOptions: Set<String>
    /// Options after which no script follows (`-c`, `-e`, `-m`).
    var stopOptions: Set<String>
    /// Short-option letters that stop the search even inside a cluster (`sh -ec`).
    var stopLetters: Set<UInt8> = []
  }

  /// Interpreter grammars keyed by basename with any version suffix removed.
  static let grammars: [String: Grammar] = {
    let python = Grammar(
      valueOptions: ["-W", "-X", "-Q"], stopOptions: ["-c", "-m", "-"],
      stopLetters: [UInt8(ascii: "c"), UInt8(ascii: "m")])
    let shell = Grammar(
      valueOptions: ["-o", "+o", "-O", "+O"], stopOptions: ["-c", "-s", "-"],
      stopLetters: [UInt8(ascii: "c"), UInt8(ascii: "s")])
    let perl = Grammar(valueOptions: ["-I", "-M", "-m", "-x"], stopOptions: ["-e", "-E", "-"])
    let ruby = Grammar(valueOptions: ["-I", "-r", "-C"], stopOptions: ["-e", "-"])
    let node = Grammar(
      valueOptions: ["-r", "--require", "--import", "--loader", "--experimental-loader"],
      stopOptions: ["-e", "--eval", "-p", "--print", "-"])
    let php = Grammar(valueOptions: ["-c", "-d", "-z"], stopOptions: ["-r", "-a", "-"])
    let dotnet = Grammar(valueOptions: ["--roll-forward", "--additionalprobingpath", "--depsfile", "--runtimeconfig"], stopOptions: [])
    return [
      "python": python, "pypy": python,
      "sh": shell, "bash": shell, "dash": shell, "zsh": shell, "ksh": shell, "mksh": shell, "ash": shell,
      "perl": perl, "ruby": ruby, "node": node, "nodejs": node, "php": php, "dotnet": dotnet,
    ]
  }()

  /// Options of `env` whose value is the next word.
  static let envValueOptions: Set<String> = ["-u", "--unset", "-C", "--chdir"]
  /// Options of `env` after which its command is not a separate word.
  static let envStopOptions: Set<String> = ["-S", "--split-string"]

  /// The indices of `words` that name the program, ascending; empty when `words` is.
  static func positions(in words: [ArraySlice<UInt8>]) -> [Int] {
    var positions: [Int] = []
    var index = 0
    while index < words.count {
      positions.append(index)
      let name = interpreterName(words[index])
      let next: Int?
      if name == "env" {
        next = envCommand(in: words, after: index)
      } else if let grammar = grammars[name] {
        next = script(in: words, after: index, grammar: grammar)
      } else {
        next = nil
      }
      guard let next else { break }
      index = next
    }
    return positions
  }

  /// The basename of `word` without a version suffix (`/usr/bin/python3.11` gives `python`).
  static func interpreterName(_ word: ArraySlice<UInt8>) -> String {
    var start = word.endIndex
    while start > word.startIndex, word[start - 1] != UInt8(ascii: "/") { start -= 1 }
    var end = word.endIndex
    while end > start, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(word[end - 1]) || word[end - 1] == UInt8(ascii: ".") {
      end -= 1
    }
    return String(decoding: word[start..<end], as: UTF8.self)
  }

  /// The index of the script an interpreter at `index` runs, if any.
  private static func script(in words: [ArraySlice<UInt8>], after index: Int, grammar: Grammar) -> Int? {
    var i = index + 1
    while i < words.count {
      let word = words[i]
      let text = String(decoding: word, as: UTF8.self)
      if text == "--" { return i + 1 < words.count ? i + 1 : nil }
      if grammar.stopOptions.contains(text) { return nil }
      guard let first = word.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") else { return i }
      if isShortCluster(word), word.dropFirst().contains(where: { grammar.stopLetters.contains($0) }) { return nil }
      i += grammar.valueOptions.contains(text) ? 2 : 1
    }
    return nil
  }

  /// The index of the command `env` at `index` runs, if any.
  private static func envCommand(in words: [ArraySlice<UInt8>], after index: Int) -> Int? {
    var i = index + 1
    while i < words.count {
      let word = words[i]
      let text = String(decoding: word, as: UTF8.self)
      if text == "--" { return i + 1 < words.count ? i + 1 : nil }
      if envStopOptions.contains(text) || text.hasPrefix("--split-string=") { return nil }
      if word.first == UInt8(ascii: "-") {
        i += envValueOptions.contains(text) ? 2 : 1
      } else if word.contains(UInt8(ascii: "=")) {
        i += 1
      } else {
        return i
      }
    }
    return nil
  }

  /// Whether `word` is a cluster of short flags such as `-ec` (not a long option).
  private static func isShortCluster(_ word: ArraySlice<UInt8>) -> Bool {
    guard word.count >= 2, word.first == UInt8(ascii: "-") || word.first == UInt8(ascii: "+") else { return false }
    return word.dropFirst().allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }
  }
}
