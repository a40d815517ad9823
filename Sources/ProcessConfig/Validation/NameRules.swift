import Foundation

/// The syntax rules for names and probe targets, shared by the validator, its tests and the importers.
public enum NameRules {
  /// The longest process or pool name accepted.
  public static let maximumNameLength = 64

  // The same rules as ECMA-262 regular expressions, for the JSON Schema. `NameRulesPatternTests`
  // checks each against its function on generated inputs, so the two cannot drift apart.

  /// `isValidProcessName` as a pattern.
  public static let processNamePattern = "^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$"
  /// `isValidPoolName` as a pattern.
  public static let poolNamePattern = "^(?!.*--)(?!.*-$)[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$"
  /// `isValidEnvironmentName` as a pattern.
  public static let environmentNamePattern = "^[A-Za-z_][A-Za-z0-9_]*$"
  /// A port from 1 to 65535 in at most 5 digits (leading zeros allowed), as `isValidPortTarget` reads it.
  static let portPattern = "(?=[0-9]{1,5}$)0*(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$"
  /// `isValidPortTarget` as a pattern.
  public static let portTargetPattern =
    "^(?:" + portPattern + "|[A-Za-z0-9_.-]+:" + portPattern + "|\\[[0-9A-Za-z_:.%]*:[0-9A-Za-z_:.%]*\\]:" + portPattern + ")"
  /// A looser form of `isValidHTTPTarget` (which parses the URL): every URL it accepts matches.
  public static let httpTargetPattern = "^[Hh][Tt][Tt][Pp][Ss]?://(?:\\[[^\\]/?#]*\\]|[^\\s/?#])+(?:[/?#][\\s\\S]*)?$"
  /// `isValidCredentialName` as a pattern.
  public static let credentialNamePattern = "^[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}$"
  /// A string without NUL, which no process can receive.
  public static let noNULPattern = "^[^\\u0000]*$"

  /// Whether `name` can be a process name: `^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$`.
  ///
  /// No dots, because the unit compiler uses `.` to name a process's auxiliary units.
  public static func isValidProcessName(_ name: String) -> Bool {
    let scalars = Array(name.unicodeScalars)
    guard let first = scalars.first, scalars.count <= maximumNameLength, isWordScalar(first) else { return false }
    return scalars.dropFirst().allSatisfy { isWordScalar($0) || $0 == "-" }
  }

  /// Whether `name` can be a pool name: `^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$`, without `--`, not ending in `-`.
  ///
  /// The name becomes `<name>.slice` and prefixes `<name>-<process>.service`; systemd reads `-` in a
  /// slice name as nesting, so a doubled or trailing `-` would name a different slice.
  public static func isValidPoolName(_ name: String) -> Bool {
    let scalars = Array(name.unicodeScalars)
    guard let first = scalars.first, scalars.count <= maximumNameLength, isWordScalar(first) else { return false }
    guard scalars.dropFirst().allSatisfy({ isWordScalar($0) || $0 == "-" || $0 == "." }) else { return false }
    return !name.contains("--") && !name.hasSuffix("-")
  }

  /// Whether `name` can be a credential name: `^[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}$`.
  ///
  /// The name becomes a file name under `$CREDENTIALS_DIRECTORY` (so no `/`, not `.` or `..`, at
  /// most 255 bytes) and the part before the first `:` of `LoadCredential=NAME:PATH` (so no `:`).
  public static func isValidCredentialName(_ name: String) -> Bool {
    let scalars = Array(name.unicodeScalars)
    guard let first = scalars.first, scalars.count <= 255, isWordScalar(first) else { return false }
    return scalars.dropFirst().allSatisfy { isWordScalar($0) || $0 == "-" || $0 == "." }
  }

  /// Whether `name` can be an environment variable name: `^[A-Za-z_][A-Za-z0-9_]*$`.
  public static func isValidEnvironmentName(_ name: String) -> Bool {
    let scalars = Array(name.unicodeScalars)
    guard let first = scalars.first, isWordScalar(first), !isDigit(first) else { return false }
    return scalars.allSatisfy(isWordScalar)
  }

  /// Whether `target` names a TCP port: `8080`, `host:port` or `[v6]:port`, the port in 1...65535.
  public static func isValidPortTarget(_ target: String) -> Bool {
    if isValidPort(target) { return true }
    if target.hasPrefix("[") {
      // A bracketed IPv6 address: `[::1]:8080`, optionally with a zone (`[fe80::1%eth0]:80`).
      guard let close = target.firstIndex(of: "]") else { return false }
      let address = target[target.index(after: target.startIndex)..<close]
      let rest = target[target.index(after: close)...]
      guard rest.hasPrefix(":"), isValidPort(rest.dropFirst()) else { return false }
      guard !address.isEmpty, address.contains(":") else { return false }
      return address.unicodeScalars.allSatisfy { $0.properties.isASCIIHexDigit || ":.%".unicodeScalars.contains($0) || isWordScalar($0) }
    }
    guard let colon = target.lastIndex(of: ":") else { return false }
    let host = target[..<colon]
    // An unbracketed host with a colon would be an IPv6 address whose port cannot be told apart.
    guard !host.isEmpty, !host.contains(":") else { return false }
    guard host.unicodeScalars.allSatisfy({ isWordScalar($0) || $0 == "-" || $0 == "." }) else { return false }
    return isValidPort(target[target.index(after: colon)...])
  }

  /// Whether `target` is an `http://` or `https://` URL with a host.
  public static func isValidHTTPTarget(_ target: String) -> Bool {
    guard let components = URLComponents(string: target),
      let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
      let host = components.host, !host.isEmpty
    else { return false }
    if let port = components.port, !(1...65535).contains(port) { return false }
    return true
  }

  private static func isValidPort(_ text: Substring) -> Bool {
    guard (1...5).contains(text.count), text.unicodeScalars.allSatisfy(isDigit), let port = Int(text) else { return false }
    return (1...65535).contains(port)
  }

  private static func isValidPort(_ text: String) -> Bool {
    isValidPort(text[...])
  }

  private static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
    ("0"..."9").contains(scalar)
  }

  private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
    ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || isDigit(scalar) || scalar == "_"
  }
}
