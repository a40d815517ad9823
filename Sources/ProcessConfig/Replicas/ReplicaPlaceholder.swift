/// The per-replica placeholders of `command`, `env` values and the health check's target.
///
/// `{replica}` is the instance number (1...N), `{replica0}` the same counted from 0 (0...N-1),
/// and either takes a zero-padded width: `{replica:03}`, `{replica0:02}` (what supervisord's
/// `%(process_num)02d` needs). Only text starting with `{replica` is read: every other brace
/// stays as written, so commands that already contain braces (awk programs, JSON, shell brace
/// expansion) mean what they meant before replicas existed. A literal `{replica` is written
/// `{{replica` (the doubled brace becomes one).
public enum ReplicaPlaceholder {
  /// One piece of a string: text as written, or a placeholder.
  enum Piece: Equatable {
    /// Text kept as is.
    case text(String)
    /// The replica number, from 0 or from 1, padded with zeros to `width` digits.
    case replica(zeroBased: Bool, width: Int)
  }

  /// The word every placeholder starts with.
  static let word = "{replica"

  /// What the placeholders are, for messages.
  public static let summary =
    "use {replica} (1..N), {replica0} (0..N-1), or a zero-padded width such as {replica0:02} or {replica:03}; "
    + "write {{replica for a literal \"{replica\""

  /// Whether `text` may hold a placeholder (or an escaped one) at all.
  public static func mentions(_ text: String) -> Bool { text.contains(word) }

  /// Why `text` cannot be expanded (an unknown or unclosed `{replica...}`), or nil when it can.
  public static func problem(in text: String) -> String? {
    switch parse(text) {
    case .success: nil
    case .failure(let problem): problem.message
    }
  }

  /// `text` for instance `replica` (1-based); a text with a problem is returned as written
  /// (the validator refuses it first).
  public static func expand(_ text: String, replica: Int) -> String {
    guard mentions(text), case .success(let pieces) = parse(text) else { return text }
    var expanded = ""
    for piece in pieces {
      switch piece {
      case .text(let literal): expanded += literal
      case .replica(let zeroBased, let width):
        let digits = String(zeroBased ? replica - 1 : replica)
        expanded += String(repeating: "0", count: max(0, width - digits.count)) + digits
      }
    }
    return expanded
  }

  /// A placeholder that cannot be read.
  struct Problem: Error {
    var message: String
  }

  /// Splits `text` into literal text and placeholders.
  static func parse(_ text: String) -> Result<[Piece], Problem> {
    var pieces: [Piece] = []
    var literal = ""
    var rest = Substring(text)
    while let brace = rest.firstIndex(of: "{") {
      literal += rest[..<brace]
      let tail = rest[brace...]
      if tail.hasPrefix("{" + word) {
        // The escape: `{{replica` is the text `{replica`.
        literal += word
        rest = tail.dropFirst(word.count + 1)
        continue
      }
      guard tail.hasPrefix(word) else {
        literal += "{"
        rest = tail.dropFirst()
        continue
      }
      guard let close = tail.firstIndex(of: "}") else {
        return .failure(Problem(message: "unclosed placeholder \(quote(String(tail.prefix(20)))): \(summary)"))
      }
      let inside = tail[tail.index(after: brace)..<close]
      guard let placeholder = placeholder(inside) else {
        return .failure(Problem(message: "unknown placeholder \(quote("{" + inside + "}")): \(summary)"))
      }
      if !literal.isEmpty { pieces.append(.text(literal)) }
      literal = ""
      pieces.append(placeholder)
      rest = tail[tail.index(after: close)...]
    }
    literal += rest
    if !literal.isEmpty { pieces.append(.text(literal)) }
    return .success(pieces)
  }

  /// `replica`, `replica0`, optionally followed by `:0W` (W from 1 to 9).
  private static func placeholder(_ inside: Substring) -> Piece? {
    let parts = inside.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
    let zeroBased: Bool
    switch parts[0] {
    case "replica": zeroBased = false
    case "replica0": zeroBased = true
    default: return nil
    }
    guard parts.count == 2 else { return .replica(zeroBased: zeroBased, width: 0) }
    let format = parts[1]
    guard format.count == 2, format.first == "0", let width = Int(format.dropFirst()), (1...9).contains(width) else {
      return nil
    }
    return .replica(zeroBased: zeroBased, width: width)
  }
}
