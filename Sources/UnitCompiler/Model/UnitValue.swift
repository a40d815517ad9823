import ProcessConfig

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
  /// A 64-bit amount (bytes, tasks, open files); D-Bus `t`.
  case integer(UInt64)
  /// A CPU quota in percent of one core: `50%` in a file; over D-Bus the CPU time allowed per
  /// second of wall time, in microseconds (`CPUQuotaPerSecUSec`, `t`).
  case cpuQuota(percent: UInt64)
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
  /// A space-separated list of words, such as paths (`ReadWritePaths=`); D-Bus `as`.
  case words([String])
  /// An allow list or (`~`) a deny list (`SystemCallFilter=`, `RestrictAddressFamilies=`); D-Bus `(bas)`.
  case filter(allow: Bool, [String])
  /// A capability set; the file lists names (empty: none), D-Bus sends the mask as `t`.
  case capabilities([Capability])
  /// A file mode mask; the file shows it in octal (`0077`), D-Bus sends `u`.
  case umask(UInt32)
  /// An errno number; the file shows its name (`EPERM`), D-Bus sends `i`.
  case errno(Int32)
  /// One stream address a socket holds (`ListenStream=`); repeated keys accumulate (D-Bus
  /// `Listen`, `a(ss)` of `("Stream", address)`).
  case listenStream(String)
  /// `RestrictNamespaces=yes`: no namespace may be created; D-Bus sends the allowed set, `t` 0.
  case noNamespaces
}
