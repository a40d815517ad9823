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

/// A deterministic random number generator (SplitMix64), so failures reproduce.
public struct SeededGenerator: RandomNumberGenerator {
  /// The generator's state.
  public var state: UInt64
  /// Creates a generator; the same seed gives the same sequence.
  public init(seed: UInt64) { state = seed }
  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

