/// What Linux's `execve(2)` accepts: `check` refuses what the kernel would refuse at start, with
/// the config path, instead of a start failing with `exit status 203`.
public enum KernelLimits {
  /// `MAX_ARG_STRLEN`: 32 pages of 4 KiB. One argument or one `NAME=value` environment string
  /// longer than this, counting its terminating NUL, fails `execve` with E2BIG ("Argument list
  /// too long").
  public static let maximumStringBytes = 131_072
  /// `ARG_MAX` for the default 8 MiB stack limit: a quarter of the stack, 2 MiB, holds every
  /// argument and environment string (each with its NUL) plus one pointer per string.
  public static let maximumArgumentBytes = 2_097_152
  /// The size of one `argv`/`envp` pointer on the 64-bit hosts cgipool runs on.
  public static let pointerBytes = 8

  /// The bytes `execve` counts for one string: its UTF-8 bytes and the NUL.
  public static func stringBytes(_ text: String) -> Int { text.utf8.count + 1 }

  /// The bytes `execve` counts for a whole argv and environment, strings and pointers.
  public static func argumentBytes(argv: [String], environment: [String: String]) -> Int {
    let strings = argv.reduce(0) { $0 + stringBytes($1) }
      + environment.reduce(0) { $0 + $1.key.utf8.count + 1 + stringBytes($1.value) }
    return strings + (max(argv.count, 1) + environment.count) * pointerBytes
  }
}
