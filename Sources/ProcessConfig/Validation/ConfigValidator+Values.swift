/// The checks every object's validation shares: keys, strings, argvs, numbers.
extension ConfigValidator {
  /// Reports every key of `object` that is not a case of `Key`, suggesting the closest one.
  mutating func checkKeys<Key: ConfigKey>(of object: JSONObject, allowed: Key.Type, at path: ConfigPath) {
    let allowed = Key.names
    for member in object.members where Key(rawValue: member.key) == nil {
      let message: String
      if let suggestion = Suggestion.closest(to: member.key, among: allowed) {
        message = "unknown key \(quote(member.key)) (did you mean \(quote(suggestion))?)"
      } else {
        message = "unknown key \(quote(member.key)) (valid keys: \(allowed.joined(separator: ", ")))"
      }
      report(path.appending(member.key), message)
    }
  }

  /// Reports a required key that is absent from the object at `path`.
  mutating func reportMissing(_ key: some ConfigKey, at path: ConfigPath) {
    report(path, "missing required key \(quote(key.rawValue))")
  }

  mutating func string(_ value: JSONValue, at path: ConfigPath) -> String? {
    guard case .string(let text) = value else {
      report(path, "expected a string, found \(value.kindDescription)")
      return nil
    }
    return text
  }

  /// An argv: a non-empty array of strings without NUL, the program name non-empty.
  mutating func argv(_ value: JSONValue, at path: ConfigPath, what: String) -> [String]? {
    guard case .array(let elements) = value else {
      let example = value.kindDescription == "a string" ? " (write it as [\"program\", \"argument\", ...])" : ""
      report(path, "expected an array of strings, found \(value.kindDescription)\(example)")
      return nil
    }
    guard !elements.isEmpty else {
      report(path, "the \(what) is empty: give the program and its arguments")
      return nil
    }
    guard let arguments = stringArray(value, at: path, element: nil) else { return nil }
    if arguments[0].isEmpty {
      report(path.appending(0), "the program name is empty")
      return nil
    }
    return arguments
  }

  /// An array of strings without NUL; `element` names the elements when empty ones are refused.
  mutating func stringArray(_ value: JSONValue, at path: ConfigPath, element: String?) -> [String]? {
    guard case .array(let elements) = value else {
      report(path, "expected an array of strings, found \(value.kindDescription)")
      return nil
    }
    var strings: [String] = []
    var valid = true
    for (index, item) in elements.enumerated() {
      let itemPath = path.appending(index)
      guard let text = string(item, at: itemPath), checkNoNUL(text, at: itemPath) else {
        valid = false
        continue
      }
      if let element, text.isEmpty {
        report(itemPath, "the \(element) is empty")
        valid = false
        continue
      }
      strings.append(text)
    }
    return valid ? strings : nil
  }

  /// The number at `key` of the object at `path`, within the key's `NumberRule`.
  mutating func number(_ value: JSONValue, for key: some ConfigKey, in path: ConfigPath) -> Double? {
    number(value, at: path.appending(key), key.info.numberRule ?? .unbounded)
  }

  mutating func number(_ value: JSONValue, at path: ConfigPath, _ rule: NumberRule) -> Double? {
    let noun = rule.integer ? "an integer" : "a number"
    guard case .number(let number) = value else {
      report(path, "expected \(noun), found \(value.kindDescription)")
      return nil
    }
    let aboveMinimum = rule.minimumIsExclusive ? number.value > rule.minimum : number.value >= rule.minimum
    let inRange = aboveMinimum && number.value <= rule.maximum
    let whole = number.value.rounded(.towardZero) == number.value
    guard inRange, !rule.integer || whole else {
      let unit = rule.unit.map { " of \($0)" } ?? ""
      let bounds =
        rule.minimumIsExclusive
        ? "greater than \(format(rule.minimum)) and at most \(format(rule.maximum))"
        : "from \(format(rule.minimum)) to \(format(rule.maximum))"
      report(path, "expected \(noun)\(unit) \(bounds), found \(number.literal)")
      return nil
    }
    return number.value
  }

  /// Reports a NUL character in `text`; returns whether there was none.
  mutating func checkNoNUL(_ text: String, at path: ConfigPath) -> Bool {
    guard text.unicodeScalars.contains("\0") else { return true }
    report(path, "contains a NUL character, which a process cannot receive")
    return false
  }

  /// ` (did you mean "x"?)` or ` (expected one of: a, b, c)`.
  func hint(for text: String, among valid: [String]) -> String {
    if let suggestion = Suggestion.closest(to: text, among: valid) {
      return "(did you mean \(quote(suggestion))?)"
    }
    return "(expected one of: \(valid.joined(separator: ", ")))"
  }
}

/// A bound for a message: `3600`, not `3600.0`.
private func format(_ value: Double) -> String {
  value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
}
