/// Generated test inputs shared by the escaping tests of the compiler and the runtime.

/// Strings built from the characters that break naive quoting.
public enum NastyStrings {
  /// The pieces strings are built from.
  public static let pieces: [String] = [
    "%", "%%", "%n", "$", "$$", "${X}", "$HOME", "\"", "'", "\\", "\\n", " ", "  ", "\t", "\n", "\r", ";", "\\;",
    "a", "Z", "0", "-", "--flag=", "=", "é", "日本", "🚀", "\u{7f}", "\u{1}", "\u{1b}[0m", "`", "*", "?", "~", "#",
    "&&", "|", "<", ">", "(", ")", "{", "}", "\u{a0}", "\u{2028}",
  ]

  /// A random string of 0 to 8 pieces.
  public static func make(using generator: inout SeededGenerator) -> String {
    let count = Int.random(in: 0...8, using: &generator)
    return (0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined()
  }
}
