import ProcessConfig

/// systemd's unit-file syntax: quoting, specifier and variable escaping, value forms.
///
/// systemd reads an `ExecStart=` word by unquoting and C-unescaping it, then
/// expanding `%` specifiers, then (when the process starts) `$` variables. So a
/// value survives byte for byte when it is C-escaped inside double quotes, with
/// every `%` doubled and, in argv words only, every `$` doubled.
public enum UnitFileSyntax {
  /// An argv word for `ExecStart=`: quoted, C-escaped, `%%` and `$$`.
  public static func quoteArgument(_ value: String) -> String {
    quote(value, doubleDollar: true)
  }

  /// A word in which `$` is literal anyway (`Environment=` assignments, the executable path).
  public static func quoteLiteral(_ value: String) -> String {
    quote(value, doubleDollar: false)
  }

  /// A free-standing value (`Description=`, `WorkingDirectory=`): only `%` needs doubling.
  public static func plain(_ value: String) -> String {
    value.utf8.contains(UInt8(ascii: "%")) ? value.replacingOccurrences(of: "%", with: "%%") : value
  }

  /// Why a path cannot be written as a plain unit-file value, or `nil` when it can.
  ///
  /// Plain values cannot carry control characters, and systemd strips leading
  /// and trailing white space from them.
  public static func unrepresentablePathProblem(_ path: String) -> String? {
    if path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) {
      return "path \(String(reflecting: path)) contains a control character, which a unit file cannot hold"
    }
    if path != path.trimmingWhitespace() {
      return "path \(String(reflecting: path)) starts or ends with white space, which a unit file cannot hold"
    }
    return nil
  }

  /// A command line: `@` keeps `argv[0]` apart from the executed path, `-` ignores failure,
  /// `+` runs it outside the sandbox.
  public static func command(_ command: ExecCommand) -> String {
    let prefix = (command.ignoreFailure ? "-" : "") + (command.privileged ? "+" : "") + "@"
    return ([prefix + quoteLiteral(command.path)] + command.argv.map(quoteArgument)).joined(separator: " ")
  }

  /// A duration in systemd's time syntax, exact to the microsecond: `10s`, `1500ms`, `250us`.
  public static func duration(_ microseconds: UInt64) -> String {
    if microseconds % 1_000_000 == 0 { return "\(microseconds / 1_000_000)s" }
    if microseconds % 1_000 == 0 { return "\(microseconds / 1_000)ms" }
    return "\(microseconds)us"
  }

  /// The name systemd accepts for a signal number.
  public static func signalName(_ number: Int32) -> String {
    // The signals a config can name (`stop_signal`) are written by name; systemd reads both.
    StopSignal.allCases.first { $0.number == number }?.rawValue ?? String(number)
  }

  /// The text after `Key=` for a value.
  public static func render(_ value: UnitValue) -> String {
    switch value {
    case .string(let text): return plain(text)
    case .unitNames(let names): return names.joined(separator: " ")
    case .bool(let flag): return flag ? "yes" : "no"
    case .microseconds(let usec): return duration(usec)
    case .count(let count): return String(count)
    case .integer(let number): return String(number)
    case .cpuQuota(let percent): return "\(percent)%"
    case .signal(let number): return signalName(number)
    case .exec(let exec): return command(exec)
    case .environment(let name, let value): return quoteLiteral(name + "=" + value)
    case .appendFile(let path): return "append:" + plain(path)
    case .pids(let pids): return pids.map(String.init).joined(separator: " ")
    case .environmentFile(let path, let optional): return (optional ? "-" : "") + plain(path)
    case .credential(let name, let path): return plain(name) + ":" + plain(path)
    case .words(let words): return words.map(word).joined(separator: " ")
    case .filter(let allow, let list): return (allow ? "" : "~") + list.joined(separator: " ")
    case .capabilities(let set): return set.map(\.name).joined(separator: " ")
    case .umask(let mask): return "0" + String(mask, radix: 8).leftPadded(to: 3)
    case .errno(let number): return errnoName(number)
    case .noNamespaces: return "yes"
    case .listenStream(let address): return plain(address)
    }
  }

  /// A word of a space-separated list (`ReadWritePaths=`): bare when it needs no quoting, else
  /// quoted (systemd unquotes these lists without C escapes, so only `\\` and `"` are escaped).
  public static func word(_ value: String) -> String {
    let special: Set<UInt8> = [UInt8(ascii: " "), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "\\"), UInt8(ascii: "%")]
    if !value.utf8.contains(where: special.contains) { return value }
    var out = "\""
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\\": out += "\\\\"
      case "\"": out += "\\\""
      case "%": out += "%%"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }

  /// The name systemd accepts for an errno number.
  public static func errnoName(_ number: Int32) -> String {
    let names: [Int32: String] = [1: "EPERM", 13: "EACCES", 38: "ENOSYS"]
    return names[number] ?? String(number)
  }

  private static func quote(_ value: String, doubleDollar: Bool) -> String {
    // Bytes below 0x80 are whole scalars in UTF-8, so escaping byte by byte is escaping scalar by
    // scalar; multi-byte scalars pass through unchanged. Most words need no escape at all.
    func needsEscape(_ byte: UInt8) -> Bool {
      byte < 0x20 || byte == 0x7f || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\"")
        || byte == UInt8(ascii: "%") || (doubleDollar && byte == UInt8(ascii: "$"))
    }
    if !value.utf8.contains(where: needsEscape) { return "\"" + value + "\"" }
    var out: [UInt8] = [UInt8(ascii: "\"")]
    out.reserveCapacity(value.utf8.count + 16)
    for byte in value.utf8 {
      guard needsEscape(byte) else {
        out.append(byte)
        continue
      }
      switch byte {
      case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
      case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
      case UInt8(ascii: "\n"): out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
      case UInt8(ascii: "\t"): out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
      case UInt8(ascii: "\r"): out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
      case UInt8(ascii: "%"): out += [UInt8(ascii: "%"), UInt8(ascii: "%")]
      case UInt8(ascii: "$"): out += [UInt8(ascii: "$"), UInt8(ascii: "$")]
      default: out += [UInt8(ascii: "\\"), UInt8(ascii: "x"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xf)]]
      }
    }
    out.append(UInt8(ascii: "\""))
    return String(decoding: out, as: UTF8.self)
  }

  private static let hexDigits = Array("0123456789abcdef".utf8)
}

extension String {
  /// The string with `0`s in front up to `width` characters.
  func leftPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: "0", count: width - count) + self
  }

  /// The string without leading and trailing spaces, tabs and newlines.
  func trimmingWhitespace() -> String {
    var scalars = Substring(self)
    while let first = scalars.first, first == " " || first == "\t" || first == "\n" { scalars.removeFirst() }
    while let last = scalars.last, last == " " || last == "\t" || last == "\n" { scalars.removeLast() }
    return String(scalars)
  }
}
