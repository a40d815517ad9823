extension ConfigValidator {
  /// Reports the strings of a valid process that `execve` would refuse (`KernelLimits`): a single
  /// argument or environment entry over `MAX_ARG_STRLEN`, a health-check command (run as an
  /// argument of `cgipool probe` and `sh -c`) over it, and argv plus environment over `ARG_MAX`.
  mutating func checkKernelLimits(_ spec: ProcessSpec, at path: ConfigPath) {
    let limit = KernelLimits.maximumStringBytes
    let tooLong = { (bytes: Int) in
      "is \(bytes - 1) bytes; Linux refuses a single argument or environment string longer than \(limit - 1) bytes (MAX_ARG_STRLEN, 128 KiB with its NUL): the start would fail with \"Argument list too long\""
    }
    for (index, word) in spec.command.enumerated() where KernelLimits.stringBytes(word) > limit {
      report(path.appending(ProcessKey.command).appending(index), "this argument " + tooLong(KernelLimits.stringBytes(word)))
    }
    for name in spec.env.keys.sorted() {
      let bytes = name.utf8.count + 1 + KernelLimits.stringBytes(spec.env[name]!)
      if bytes > limit {
        report(path.appending(ProcessKey.env).appending(name), "the environment string \(name)=... " + tooLong(bytes))
      }
    }
    if let check = spec.healthCheck, check.kind == .command, KernelLimits.stringBytes(check.target) > limit {
      report(
        path.appending(ProcessKey.healthCheck).appending(HealthCheckKey.target),
        "the health-check command " + tooLong(KernelLimits.stringBytes(check.target)))
    }
    let total = KernelLimits.argumentBytes(argv: spec.command, environment: spec.env)
    if total > KernelLimits.maximumArgumentBytes {
      report(
        path,
        "command and env take \(total) bytes (strings with their NULs, plus a pointer each), over the \(KernelLimits.maximumArgumentBytes) bytes Linux allows for arguments and environment together (ARG_MAX: a quarter of the default 8 MiB stack): the start would fail with \"Argument list too long\""
      )
    }
  }
}
