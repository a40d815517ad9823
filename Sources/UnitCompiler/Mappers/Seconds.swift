/// Seconds as the config writes them, converted for units and probe arguments (named so as not
/// to shadow Swift's `Duration`).
enum Seconds {
  /// Seconds (as the config writes them) to microseconds, rounded to the nearest microsecond.
  static func microseconds(_ seconds: Double) -> UInt64 {
    UInt64((max(0, seconds) * 1_000_000).rounded())
  }

  /// Seconds in a short, stable text form for probe arguments: `2`, `0.5`, `1.25`.
  static func text(_ seconds: Double) -> String {
    let millis = Int64((seconds * 1000).rounded())
    if millis % 1000 == 0 { return String(millis / 1000) }
    var fraction = String(millis % 1000)
    while fraction.count < 3 { fraction = "0" + fraction }
    while fraction.hasSuffix("0") { fraction.removeLast() }
    return "\(millis / 1000).\(fraction)"
  }
}
