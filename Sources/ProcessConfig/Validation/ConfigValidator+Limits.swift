extension ConfigValidator {
  /// Checks a `limits` object (`LimitsKey`).
  mutating func limits(_ value: JSONValue, at path: ConfigPath) -> Limits? {
    guard case .object(let object) = value else {
      report(path, "expected an object, found \(value.kindDescription)")
      return nil
    }
    checkKeys(of: object, allowed: LimitsKey.self, at: path)
    var failed = false
    var limits = Limits()
    if let value = object[LimitsKey.memory] {
      let memoryPath = path.appending(LimitsKey.memory)
      if let bytes = memorySize(value, at: memoryPath) { limits.memoryBytes = bytes } else { failed = true }
    }
    if let value = object[LimitsKey.cpu] {
      let cpuPath = path.appending(LimitsKey.cpu)
      if let text = string(value, at: cpuPath) {
        if let percent = Self.percent(text) {
          limits.cpuPercent = percent
        } else {
          report(cpuPath, "invalid CPU limit \(quote(text)): expected a whole percentage from 1% to 100000%, such as \"50%\"")
          failed = true
        }
      } else {
        failed = true
      }
    }
    if let value = object[LimitsKey.tasks] {
      if let tasks = number(value, for: LimitsKey.tasks, in: path) { limits.tasks = UInt64(tasks) } else { failed = true }
    }
    if let value = object[LimitsKey.nofile] {
      if let files = number(value, for: LimitsKey.nofile, in: path) { limits.openFiles = UInt64(files) } else { failed = true }
    }
    return failed ? nil : limits
  }

  /// `"256M"`, `"1G"`, `"512K"` or `"1048576"`: bytes from 1 KiB to 1 PiB. Always a string,
  /// as the schema says, so a size reads the same in every file.
  private mutating func memorySize(_ value: JSONValue, at path: ConfigPath) -> UInt64? {
    guard case .string(let text) = value else {
      report(path, "expected a size such as \"256M\", found \(value.kindDescription)")
      return nil
    }
    guard let bytes = Self.bytes(text), bytes >= 1024, bytes <= 1 << 50 else {
      report(path, "invalid memory limit \(quote(text)): expected bytes or a whole number with K, M, G or T, from 1K to 1024T")
      return nil
    }
    return bytes
  }

  /// A size with an optional binary suffix, as systemd reads `MemoryMax=`.
  static func bytes(_ text: String) -> UInt64? {
    let units: [Character: UInt64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
    var digits = Substring(text)
    var factor: UInt64 = 1
    if let last = digits.last, let unit = units[Character(last.uppercased())] {
      factor = unit
      digits = digits.dropLast()
    }
    guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), digits.count <= 16,
      let number = UInt64(digits)
    else { return nil }
    let (product, overflow) = number.multipliedReportingOverflow(by: factor)
    return overflow ? nil : product
  }

  /// `"50%"` as 50; whole percentages from 1 to 100000.
  static func percent(_ text: String) -> UInt64? {
    guard text.hasSuffix("%") else { return nil }
    let digits = text.dropLast()
    guard !digits.isEmpty, digits.count <= 6, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = UInt64(digits),
      (1...100_000).contains(value)
    else { return nil }
    return value
  }
}
