/// How much of the system a pool process is kept away from (`sandbox`).
public enum SandboxLevel: String, Sendable, Equatable, CaseIterable {
  /// Everything `default` takes away, plus a private `/tmp` and devices, a read-only file
  /// system apart from the declared `writable` paths, a hidden process table, a private user
  /// namespace and no privileged system calls.
  case strict
  /// What no CGI worker needs: capabilities, kernel tunables, modules and logs, namespaces,
  /// SUID, realtime, exotic sockets and system calls; `/usr`, `/etc` and home folders are
  /// read-only, the working directory stays writable.
  case `default`
  /// No hardening at all: the process sees what the manager sees.
  case none
}
