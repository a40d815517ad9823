import ProcessConfig

/// Turns a peer's process or group name into a valid cgipool name, keeping names unique.
struct NameSanitizer {
  private var taken: Set<String> = []

  /// A valid process name for `name`: characters outside `[A-Za-z0-9_-]` become `_`, a leading
  /// `-` gets a `_` before it, at most 64 characters; a clash gets `_2`, `_3`, ...
  mutating func processName(for name: String) -> String {
    var scalars = String.UnicodeScalarView()
    for scalar in name.unicodeScalars {
      let isWord = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_")
      scalars.append(isWord || scalar == "-" ? scalar : "_")
    }
    var base = String(scalars)
    if base.isEmpty || base.hasPrefix("-") { base = "_" + base }
    base = String(base.prefix(NameRules.maximumNameLength))
    var candidate = base
    var counter = 2
    while taken.contains(candidate) || !NameRules.isValidProcessName(candidate) {
      let suffix = "_\(counter)"
      candidate = String(base.prefix(NameRules.maximumNameLength - suffix.count)) + suffix
      counter += 1
    }
    taken.insert(candidate)
    return candidate
  }

  /// A valid pool name for `name`, or `nil` when nothing usable is left.
  static func poolName(for name: String) -> String? {
    var scalars = String.UnicodeScalarView()
    for scalar in name.unicodeScalars {
      let isWord = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_")
      scalars.append(isWord || scalar == "-" || scalar == "." ? scalar : "_")
    }
    var text = String(scalars)
    while text.contains("--") { text = text.replacingOccurrences(of: "--", with: "-") }
    while text.hasSuffix("-") { text.removeLast() }
    while text.hasPrefix("-") || text.hasPrefix(".") { text.removeFirst() }
    text = String(text.prefix(NameRules.maximumNameLength))
    while text.hasSuffix("-") { text.removeLast() }
    return NameRules.isValidPoolName(text) ? text : nil
  }
}
