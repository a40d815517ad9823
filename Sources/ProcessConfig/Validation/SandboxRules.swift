/// Checks a `sandbox` value (top level or in a process): a level name, or an object of the
/// fields it sets. Collects every problem with its path; the validator reports them.
struct SandboxRules {
  /// The keys a `sandbox` object accepts.
  static let keys = SandboxKey.names
  /// The longest user name systemd accepts in `User=`.
  static let maximumUserNameLength = 31

  /// Problems found so far, each with its place.
  private(set) var problems: [(path: ConfigPath, message: String)] = []

  /// The fields `value` sets, or `nil` (with problems recorded) when it is invalid.
  mutating func overrides(_ value: JSONValue, at path: ConfigPath) -> SandboxOverrides? {
    switch value {
    case .string(let text):
      guard let level = level(text, at: path) else { return nil }
      return SandboxOverrides(level: level)
    case .object(let object):
      return overrides(object, at: path)
    default:
      let levels = SandboxLevel.allCases.map(\.rawValue).joined(separator: ", ")
      report(path, "expected a level (\(levels)) or an object with \"level\", found \(value.kindDescription)")
      return nil
    }
  }

  private mutating func overrides(_ object: JSONObject, at path: ConfigPath) -> SandboxOverrides? {
    var result = SandboxOverrides()
    var failed = false
    for member in object.members where !Self.keys.contains(member.key) {
      let suggestion = Suggestion.closest(to: member.key, among: Self.keys)
      let hint = suggestion.map { "(did you mean \(quote($0))?)" } ?? "(valid keys: \(Self.keys.joined(separator: ", ")))"
      report(path.appending(member.key), "unknown key \(quote(member.key)) \(hint)")
      failed = true
    }
    if let value = object[SandboxKey.level.rawValue] {
      let levelPath = path.appending(SandboxKey.level.rawValue)
      if case .string(let text) = value, let level = level(text, at: levelPath) {
        result.level = level
      } else {
        if case .string = value {} else { report(levelPath, "expected a string, found \(value.kindDescription)") }
        failed = true
      }
    }
    if let value = object[SandboxKey.writable.rawValue] {
      result.writable = writable(value, at: path.appending(SandboxKey.writable.rawValue))
      if result.writable == nil { failed = true }
    }
    if let value = object[SandboxKey.capabilities.rawValue] {
      result.capabilities = capabilities(value, at: path.appending(SandboxKey.capabilities.rawValue))
      if result.capabilities == nil { failed = true }
    }
    if let value = object[SandboxKey.user.rawValue] {
      result.user = user(value, at: path.appending(SandboxKey.user.rawValue))
      if result.user == nil { failed = true }
    }
    if let value = object[SandboxKey.dynamicUser.rawValue] {
      result.dynamicUser = bool(value, at: path.appending(SandboxKey.dynamicUser.rawValue))
      if result.dynamicUser == nil { failed = true }
    }
    if let value = object[SandboxKey.memoryDenyWriteExecute.rawValue] {
      result.memoryDenyWriteExecute = bool(value, at: path.appending(SandboxKey.memoryDenyWriteExecute.rawValue))
      if result.memoryDenyWriteExecute == nil { failed = true }
    }
    if result.dynamicUser == true, let user = result.user, user.allSatisfy(\.isASCIIDigitCharacter) {
      report(path.appending(SandboxKey.user.rawValue), "dynamic_user needs a user name, not the number \(quote(user))")
      failed = true
    }
    return failed ? nil : result
  }

  private mutating func level(_ text: String, at path: ConfigPath) -> SandboxLevel? {
    if let level = SandboxLevel(rawValue: text) { return level }
    let valid = SandboxLevel.allCases.map(\.rawValue)
    let hint = Suggestion.closest(to: text, among: valid).map { "(did you mean \(quote($0))?)" }
    report(path, "unknown sandbox level \(quote(text)) \(hint ?? "(expected one of: \(valid.joined(separator: ", ")))")")
    return nil
  }

  private mutating func writable(_ value: JSONValue, at path: ConfigPath) -> [String]? {
    guard case .array(let elements) = value else {
      report(path, "expected an array of strings, found \(value.kindDescription)")
      return nil
    }
    var items: [String] = []
    var valid = true
    // Each element on its own, so one bad element does not hide the problems of the others.
    for (index, element) in elements.enumerated() {
      let itemPath = path.appending(index)
      guard let item = strings(.array([element]), at: itemPath, elementPaths: false)?.first else {
        valid = false
        continue
      }
      items.append(item)
      if item.isEmpty {
        report(itemPath, "the writable path is empty")
        valid = false
      } else if item.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) {
        report(itemPath, "the writable path \(quote(item)) contains a control character, which a unit file cannot hold")
        valid = false
      } else if item.first!.isWhitespace || item.last!.isWhitespace {
        report(itemPath, "the writable path \(quote(item)) starts or ends with white space, which a unit file cannot hold")
        valid = false
      }
    }
    return valid ? items : nil
  }

  private mutating func capabilities(_ value: JSONValue, at path: ConfigPath) -> [Capability]? {
    guard let items = strings(value, at: path) else { return nil }
    var result: Set<Capability> = []
    var valid = true
    for (index, item) in items.enumerated() {
      if let capability = Capability(name: item) {
        result.insert(capability)
      } else {
        let hint = Suggestion.closest(to: item.uppercased(), among: Capability.names).map { " (did you mean \(quote($0))?)" }
        report(path.appending(index), "unknown capability \(quote(item))\(hint ?? "")")
        valid = false
      }
    }
    return valid ? result.sorted() : nil
  }

  private mutating func user(_ value: JSONValue, at path: ConfigPath) -> String? {
    guard case .string(let name) = value else {
      report(path, "expected a string, found \(value.kindDescription)")
      return nil
    }
    if !name.isEmpty, name.allSatisfy(\.isASCIIDigitCharacter) {
      // systemd refuses 4294967295 ((uid_t) -1) and 65535 (the 16-bit -1).
      if let uid = UInt32(name), uid != UInt32.max, uid != 65535 { return name }
      report(path, "invalid user id \(quote(name))")
      return nil
    }
    let scalars = Array(name.unicodeScalars)
    let isNameScalar: (Unicode.Scalar) -> Bool = {
      ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-"
    }
    guard let first = scalars.first, first != "-", !("0"..."9").contains(first),
      scalars.count <= Self.maximumUserNameLength, scalars.allSatisfy(isNameScalar)
    else {
      report(
        path,
        "invalid user name \(quote(name)): use 1 to \(Self.maximumUserNameLength) letters, digits, '_' or '-', "
          + "starting with a letter or '_' (or a numeric user id)")
      return nil
    }
    return name
  }

  private mutating func bool(_ value: JSONValue, at path: ConfigPath) -> Bool? {
    guard case .bool(let flag) = value else {
      report(path, "expected true or false, found \(value.kindDescription)")
      return nil
    }
    return flag
  }

  /// An array of strings without NUL; with `elementPaths` false, `value` is one element at `path`.
  private mutating func strings(_ value: JSONValue, at path: ConfigPath, elementPaths: Bool = true) -> [String]? {
    guard case .array(let elements) = value else {
      report(path, "expected an array of strings, found \(value.kindDescription)")
      return nil
    }
    var result: [String] = []
    var valid = true
    for (index, element) in elements.enumerated() {
      let elementPath = elementPaths ? path.appending(index) : path
      guard case .string(let text) = element else {
        report(elementPath, "expected a string, found \(element.kindDescription)")
        valid = false
        continue
      }
      if text.unicodeScalars.contains("\0") {
        report(elementPath, "contains a NUL character, which a process cannot receive")
        valid = false
        continue
      }
      result.append(text)
    }
    return valid ? result : nil
  }

  private mutating func report(_ path: ConfigPath, _ message: String) {
    problems.append((path, message))
  }
}

extension Character {
  /// Whether this is one of `0`...`9`.
  var isASCIIDigitCharacter: Bool { ("0"..."9").contains(self) }
}
