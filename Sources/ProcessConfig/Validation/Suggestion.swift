/// "Did you mean" suggestions by edit distance.
enum Suggestion {
  /// Words longer than this get no suggestion: the distance costs length squared.
  static let maximumLength = 128

  /// The candidate closest to `word`, if one is close enough to be a likely typo.
  ///
  /// Distance is Levenshtein over lowercased scalars; up to a third of the word's
  /// length may differ (at least 1, at most 3). Ties go to the alphabetically first
  /// candidate so the suggestion is stable.
  static func closest(to word: String, among candidates: some Sequence<String>) -> String? {
    let scalars = Array(word.lowercased().unicodeScalars)
    guard !scalars.isEmpty, scalars.count <= maximumLength else { return nil }
    let limit = max(1, min(3, scalars.count / 3))
    var best: (distance: Int, candidate: String)?
    for candidate in candidates where candidate != word {
      let other = Array(candidate.lowercased().unicodeScalars)
      // The length difference bounds the distance from below; skip hopeless candidates cheaply.
      guard abs(other.count - scalars.count) <= limit, other.count <= maximumLength else { continue }
      let distance = editDistance(scalars, other)
      guard distance <= limit else { continue }
      if let current = best, (current.distance, current.candidate) <= (distance, candidate) { continue }
      best = (distance, candidate)
    }
    return best?.candidate
  }

  /// The Levenshtein distance between two scalar arrays.
  static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
        current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }
}
