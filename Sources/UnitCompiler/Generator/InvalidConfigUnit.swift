/// The unit the generator writes instead of a pool whose config is invalid: it fails at boot
/// with the diagnostics, so `systemctl --failed` lists it and `journalctl -b` shows why,
/// while the other pools and the boot go on.
public enum InvalidConfigUnit {
  /// What every such unit's name starts with.
  static let prefix = "cgipool-config-"
  /// A glob matching every such unit (for listing and resetting them).
  public static let pattern = prefix + "*.service"

  /// The unit's name for the config file `file`: `cgipool-config-<file name, escaped>.service`.
  ///
  /// The file name is escaped as `systemd-escape` does (every byte outside `[A-Za-z0-9_.]`,
  /// and a leading `.`, as `\xNN`), so any file name gives a valid, distinct unit name.
  public static func name(forFile file: String) -> String {
    let base = file.split(separator: "/").last.map(String.init) ?? file
    let stem = base.hasSuffix(".json") ? String(base.dropLast(5)) : base
    var escaped = ""
    for (index, byte) in stem.utf8.enumerated() {
      let allowed = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
        || byte == 0x5f || (byte == 0x2e && index > 0)
      if allowed {
        escaped.unicodeScalars.append(Unicode.Scalar(byte))
      } else {
        escaped += "\\x" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16)
      }
    }
    return prefix + escaped + ".service"
  }

  /// The failing oneshot unit for `file` that prints `lines` (the diagnostics) to the journal.
  public static func definition(file: String, lines: [String]) -> UnitDefinition {
    // The shell prints its arguments one a line and fails; the renderer escapes each word, so
    // whatever the diagnostics hold reaches the journal unchanged.
    let script = "printf '%s\\n' \"$@\" >&2; exit 1"
    let command = ExecCommand(path: "/bin/sh", argv: ["sh", "-c", script, "cgipool"] + lines)
    return UnitDefinition(
      name: name(forFile: file), kind: .service,
      sections: [
        UnitSection("Unit", [UnitSetting("Description", .string("cgipool: invalid config \(file)"))]),
        UnitSection(
          "Service",
          [
            UnitSetting("Type", .string("oneshot")),
            UnitSetting("SyslogIdentifier", .string("cgipool")),
            UnitSetting("StandardError", .string("journal")),
            UnitSetting("ExecStart", .exec(command)),
          ]),
      ])
  }
}
