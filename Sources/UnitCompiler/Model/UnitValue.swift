/// A typed setting value, rendered by each back end in its own syntax.
public enum UnitValue: Sendable, Equatable {
  /// A free string (`Description=`, `Restart=`, paths).
  case string(String)
  /// A list of unit names (`After=`, `Requires=`); D-Bus `as`.
  case unitNames([String])
  /// A boolean; D-Bus `b`.
  case bool(Bool)
  /// A duration in microseconds; the file shows it in systemd's time syntax, D-Bus sends `t`.
  case microseconds(UInt64)
  /// An unsigned count; D-Bus `u`.
  case count(UInt32)
  /// A signal number; the file shows its name, D-Bus sends `i`.
  case signal(Int32)
  /// A command line; repeated keys accumulate (D-Bus `a(sasb)`).
  case exec(ExecCommand)
  /// One `NAME=value` environment entry; repeated keys accumulate (D-Bus `as`).
  case environment(name: String, value: String)
  /// An output file appended to: `append:<path>` in a file, the bare path in the bus's
  /// `*FileToAppend` property (D-Bus `s`).
  case appendFile(String)
  /// Process ids (a scope's `PIDs`, transient only); D-Bus `au`.
  case pids([UInt32])
  /// An absolute environment file; `-` before it in a unit file when a missing file is skipped;
  /// repeated keys accumulate (D-Bus `EnvironmentFiles`, `a(sb)`).
  case environmentFile(path: String, optional: Bool)
  /// A credential loaded from an absolute path (`LoadCredential=NAME:PATH`); repeated keys
  /// accumulate (D-Bus `a(ss)`). Only the path travels: systemd reads the secret itself.
  case credential(name: String, path: String)
}
