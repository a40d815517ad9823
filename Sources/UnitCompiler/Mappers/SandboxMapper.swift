import ProcessConfig

/// Maps `sandbox`: the hardening settings of a process's service and of its helper units.
///
/// `default` takes away what no CGI worker needs (devices, the kernel's files in /proc,
/// capabilities, ...) and keeps the working directory writable;
/// `strict` also makes the whole file system read-only apart from the declared `writable`
/// paths, hides devices, other processes and other users, and denies privileged system
/// calls. `none` adds nothing. Only settings every manager of systemd 252 accepts as
/// transient properties are used, so both back ends say the same.
enum SandboxMapper {
  /// The socket families a pool process may open.
  static let addressFamilies = ["AF_INET", "AF_INET6", "AF_UNIX"]
  /// Folders a private `/tmp` (`PrivateTmp=`) hides from the service.
  static let temporaryFolders = ["/tmp", "/var/tmp"]
  /// What the liveness check needs on top of the default: it kills the main unit over the bus,
  /// and systemd authorizes `KillUnit` by the caller's `CAP_KILL`.
  static let livenessCapabilities: [Capability] = [.kill]

  static func map(_ context: MappingContext) -> MappedSettings {
    var mapped = MappedSettings()
    mapped.service = settings(
      context.process.sandbox, workingDirectory: context.workingDirectory, executable: context.executable,
      baseDirectory: context.pool.baseDirectory, unprivileged: context.options.unprivilegedManager)
    return mapped
  }

  /// The settings of the pool's health unit (`cgipool liveness`) checking the processes of
  /// `contexts`: the `default` level, as the manager's user, keeping only `CAP_KILL`; its
  /// state folder (`CompileOptions.healthStateDirectory`) is writable. Nothing when every
  /// checked process says `none`: a command check written for such a process may need what
  /// the process has.
  static func healthSettings(_ contexts: [MappingContext], options: CompileOptions) -> [UnitSetting] {
    guard let first = contexts.first, contexts.contains(where: { $0.process.sandbox.level != .none }) else {
      return []
    }
    let sandbox = Sandbox(
      level: .default, writable: options.healthStateDirectory.map { [$0] } ?? [], capabilities: livenessCapabilities)
    return settings(
      sandbox, workingDirectory: nil, executable: options.probeExecutable, baseDirectory: first.pool.baseDirectory,
      unprivileged: options.unprivilegedManager)
  }

  /// The settings of the pool's log cap unit (`cgipool logcap`): the `strict` level whatever the
  /// processes say, since it needs no capability, no other process and no file outside the log
  /// folder, which alone is writable.
  static func logCapSettings(logDirectory: String, options: CompileOptions, baseDirectory: String) -> [UnitSetting] {
    settings(
      Sandbox(level: .strict, writable: [logDirectory]), workingDirectory: nil, executable: options.probeExecutable,
      baseDirectory: baseDirectory, unprivileged: options.unprivilegedManager)
  }

  /// The hardening settings of `sandbox` for a service running `executable` in `workingDirectory`.
  ///
  /// `unprivileged`: for a manager without root (an ordinary user's manager). Measured with
  /// systemd 252 (a user manager in the booted testbed): `CapabilityBoundingSet=` fails the start
  /// (218/CAPABILITIES: dropping from the bounding set needs `CAP_SETPCAP`; such a process has no
  /// capability to give up), so does `PrivateDevices=` without `PrivateUsers=`;
  /// `ProtectKernelLogs=` fails even with it (226/NAMESPACE); and `ProtectSystem=`/`ProtectHome=`
  /// without `PrivateUsers=` are accepted but not applied. So such units get `PrivateUsers=` at
  /// both levels and neither the capability settings nor `ProtectKernelLogs=`.
  static func settings(
    _ sandbox: Sandbox, workingDirectory: String?, executable: String, baseDirectory: String,
    unprivileged: Bool = false
  ) -> [UnitSetting] {
    var settings: [UnitSetting] = []
    if let user = sandbox.user { settings.append(UnitSetting("User", .string(user))) }
    if sandbox.dynamicUser { settings.append(UnitSetting("DynamicUser", .bool(true))) }
    guard sandbox.level != .none else { return settings }
    let strict = sandbox.level == .strict
    let writable = sandbox.writable.map { FilePath.normalize($0, relativeTo: baseDirectory) }

    settings.append(UnitSetting("NoNewPrivileges", .bool(true)))
    settings.append(UnitSetting("ProtectSystem", .string(strict ? "strict" : "full")))
    settings.append(UnitSetting("ProtectHome", .string("read-only")))
    // `-`: a declared path that does not exist (yet) is skipped instead of failing the start.
    let readWrite = (strict ? [] : workingDirectory.map { [$0] } ?? []) + writable.map { "-" + $0 }
    if !readWrite.isEmpty { settings.append(UnitSetting("ReadWritePaths", .words(readWrite))) }
    if strict {
      // A private /tmp would hide a program, folder or writable path that lives in it.
      let used = [workingDirectory, executable].compactMap { $0 } + writable
      if !used.contains(where: isTemporary) { settings.append(UnitSetting("PrivateTmp", .bool(true))) }
      settings.append(UnitSetting("PrivateMounts", .bool(true)))
      // In a user namespace capabilities count only inside it: a kept capability needs the host's.
      if sandbox.capabilities.isEmpty && !unprivileged { settings.append(UnitSetting("PrivateUsers", .bool(true))) }
      settings.append(UnitSetting("ProtectProc", .string("invisible")))
    }
    // Without root the manager applies mount settings only inside a user namespace of the unit's own.
    if unprivileged { settings.append(UnitSetting("PrivateUsers", .bool(true))) }
    // Both levels: where /proc and /dev carry masks of their own (containers), systemd can only
    // protect kernel tunables and logs (226/NAMESPACE otherwise) when it replaces them.
    settings.append(UnitSetting("PrivateDevices", .bool(true)))
    settings.append(UnitSetting("ProcSubset", .string("pid")))
    for key in [
      "ProtectKernelTunables", "ProtectKernelModules", "ProtectKernelLogs", "ProtectControlGroups", "ProtectClock",
      "ProtectHostname", "RestrictSUIDSGID", "RestrictRealtime", "LockPersonality",
    ] where !(unprivileged && key == "ProtectKernelLogs") {
      settings.append(UnitSetting(key, .bool(true)))
    }
    settings.append(UnitSetting("RestrictNamespaces", .noNamespaces))
    if sandbox.memoryDenyWriteExecute { settings.append(UnitSetting("MemoryDenyWriteExecute", .bool(true))) }
    settings.append(UnitSetting("RestrictAddressFamilies", .filter(allow: true, addressFamilies)))
    settings.append(UnitSetting("SystemCallArchitectures", .words(["native"])))
    settings.append(UnitSetting("SystemCallFilter", .filter(allow: true, ["@system-service"])))
    if strict { settings.append(UnitSetting("SystemCallFilter", .filter(allow: false, ["@privileged", "@resources"]))) }
    // A refused call fails with EPERM instead of killing the process with SIGSYS.
    settings.append(UnitSetting("SystemCallErrorNumber", .errno(1)))
    if !unprivileged { settings.append(UnitSetting("CapabilityBoundingSet", .capabilities(sandbox.capabilities))) }
    // A process that runs as another user gets its kept capabilities only as ambient ones.
    if !sandbox.capabilities.isEmpty && !unprivileged {
      settings.append(UnitSetting("AmbientCapabilities", .capabilities(sandbox.capabilities)))
    }
    settings.append(UnitSetting("UMask", .umask(0o077)))
    return settings
  }

  /// Whether `path` is in a folder a private `/tmp` replaces.
  static func isTemporary(_ path: String) -> Bool {
    temporaryFolders.contains { path == $0 || path.hasPrefix($0 + "/") }
  }
}
