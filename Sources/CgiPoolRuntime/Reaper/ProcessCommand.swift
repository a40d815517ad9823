/// One process's command, analysed once and then offered to every pattern.
final class ProcessCommand {
  /// The argv words.
  let words: [ArraySlice<UInt8>]
  /// The indices of the words that name the program (see `ProgramWords`).
  let programs: [Int]
  /// The kernel's name for the process (`comm`), when known.
  let comm: ArraySlice<UInt8>?
  /// Whether the argv disagrees with `comm` about the program's name.
  let looksRewritten: Bool
  private let readExecutable: () -> ArraySlice<UInt8>?
  private var executableCache: ArraySlice<UInt8>??

  /// Analyses `words`; `executable` is called at most once, and only if a pattern needs it.
  init(words: CommandWords, comm: ArraySlice<UInt8>?, executable: @escaping () -> ArraySlice<UInt8>?) {
    self.words = words.words
    self.programs = ProgramWords.positions(in: words.words)
    self.comm = comm
    self.readExecutable = executable
    self.looksRewritten = Self.looksRewritten(words.words, programs: programs, comm: comm)
  }

  /// The executable's path (`/proc/PID/exe`), read on first use.
  func executable() -> ArraySlice<UInt8>? {
    if let cached = executableCache { return cached }
    let value = readExecutable()
    executableCache = .some(value)
    return value
  }

  /// Whether no program word's basename (cut to the kernel's 15 bytes) equals `comm`.
  static func looksRewritten(_ argv: [ArraySlice<UInt8>], programs: [Int], comm: ArraySlice<UInt8>?) -> Bool {
    guard let comm else { return argv.isEmpty }
    if argv.isEmpty { return true }
    for position in programs {
      let word = argv[position]
      var start = word.endIndex
      while start > word.startIndex, word[start - 1] != UInt8(ascii: "/") { start -= 1 }
      if word[start...].prefix(OrphanPattern.commLimit).elementsEqual(comm) { return false }
    }
    return true
  }
}
