import Foundation
import SystemdBus

#if canImport(Glibc)
import Glibc
#endif

extension PrivateManager {
  /// Where `systemd` may live.
  static let systemdCandidates = ["/lib/systemd/systemd", "/usr/lib/systemd/systemd"]
  /// Where `unshare` (util-linux) may live.
  static let unshareCandidates = ["/usr/bin/unshare", "/bin/unshare"]
  /// The mount point the launcher covers with a tmpfs; it must exist on the host.
  static let runSystemd = "/run/systemd"

  /// The launcher script run by `/bin/sh -c` inside the new mount namespace.
  /// `$1` is the systemd binary, the remaining arguments are `cgroup.procs` files to join.
  static let launcherScript = """
    set -e
    mount -t tmpfs -o mode=755 tmpfs /run/systemd
    mkdir -p /run/systemd/system
    # LoadCredential= places each unit's credentials folder (under the runtime folder) by mount
    # propagation; in this private namespace nothing would reach the services, which would see an
    # empty $CREDENTIALS_DIRECTORY. A shared mount of the runtime folder lets it through.
    mount --bind "$XDG_RUNTIME_DIR" "$XDG_RUNTIME_DIR"
    mount --make-shared "$XDG_RUNTIME_DIR"
    systemd="$1"; shift
    for procs in "$@"; do echo $$ > "$procs"; done
    exec "$systemd" --user --default-standard-output=inherit --default-standard-error=inherit
    """

  /// The outcome of `stop()`.
  public enum StopOutcome: Sendable, Equatable {
    /// A running manager was stopped and everything removed.
    case stopped(pid: Int32)
    /// Nothing ran; leftovers of a dead manager (if any) were removed.
    case notRunning
  }

  /// Starts the manager, or finds the one already running here, and returns its endpoint once
  /// its private socket answers a `Version` call. Idempotent: a second start returns the same PID.
  public func start() throws(ManagerError) -> ManagerEndpoint {
    guard Posix.isRoot else { throw .notRoot(action: "starting the private manager") }
    let lock = try lockRuntimeDirectory(create: true)
    defer { withExtendedLifetime(lock) {} }

    if let state = PrivateManagerState.read(from: stateFilePath) {
      if isOurs(state), (try? endpoint(pid: state.pid).connect().version) != nil {
        return endpoint(pid: state.pid)
      }
      // A stale manager: clear its remains before starting afresh.
      try terminate(state: state)
    }
    try removeLeftovers(keepingDirectory: true)

    let systemd = try Self.find(Self.systemdCandidates, what: "systemd (package systemd)")
    let unshare = try Self.find(Self.unshareCandidates, what: "unshare (package util-linux)")
    guard Posix.isDirectory(Self.runSystemd) else {
      throw .missingPrerequisite("\(Self.runSystemd) does not exist; the private manager mounts a tmpfs on it inside its own mount namespace and will not create it on the host")
    }
    let layout = try CgroupLayout.detect()
    let cgroups = layout.directories(for: cgroupName)
    for directory in cgroups {
      try Posix.makeDirectory(directory, mode: 0o755)
    }

    let arguments = [
      unshare, "--mount", "--propagation", "private",
      "/bin/sh", "-c", Self.launcherScript, "cgipool-manager", systemd,
    ] + cgroups.map { $0 + "/cgroup.procs" }
    let pid: pid_t
    do {
      pid = try Posix.spawnDaemon(arguments: arguments, environment: launchEnvironment(), logPath: logFilePath)
    } catch {
      try? removeLeftovers(keepingDirectory: false)
      throw error
    }
    let state = PrivateManagerState(
      pid: pid, runtimeDirectory: runtimeDirectory, cgroupName: cgroupName, cgroupDirectories: cgroups,
      busAddress: busAddress, systemdPath: systemd, startedAt: Date().timeIntervalSince1970)
    // Written before waiting, so that a failed or interrupted start can still be cleaned up.
    try state.write(to: stateFilePath)

    do {
      try waitUntilAnswering(pid: pid)
    } catch {
      let tail = Posix.tail(of: logFilePath)
      try? terminate(state: state)
      try? removeLeftovers(keepingDirectory: false)
      switch error {
      case .exitedDuringStartup(let pid, _): throw .exitedDuringStartup(pid: pid, logTail: tail)
      case .startTimedOut(let seconds, _): throw .startTimedOut(seconds: seconds, logTail: tail)
      default: throw error
      }
    }
    return endpoint(pid: pid)
  }

  /// Stops the manager gracefully (SIGTERM: every unit stops within its own stop timeout, then the
  /// manager exits; SIGKILL after `stopTimeout`), kills whatever is left in its cgroups, removes
  /// the cgroups and the runtime folder.
  /// Idempotent: with nothing running it only removes leftovers.
  @discardableResult
  public func stop() throws(ManagerError) -> StopOutcome {
    guard Posix.isRoot else { throw .notRoot(action: "stopping the private manager") }
    guard Posix.isDirectory(runtimeDirectory) else {
      // No folder, but a crashed run may still have left its cgroups.
      try removeCgroups(Self.cgroupDirectoriesIfPresent(cgroupName))
      return .notRunning
    }
    let lock = try lockRuntimeDirectory(create: false)
    defer { withExtendedLifetime(lock) {} }
    var outcome = StopOutcome.notRunning
    if let state = PrivateManagerState.read(from: stateFilePath) {
      if isOurs(state) { outcome = .stopped(pid: state.pid) }
      try terminate(state: state)
    }
    try removeLeftovers(keepingDirectory: false)
    return outcome
  }

  // MARK: - Steps

  /// Locks the runtime folder against a concurrent start or stop; retries when a stop removed
  /// the folder while we waited for the lock.
  private func lockRuntimeDirectory(create: Bool) throws(ManagerError) -> Posix.DirectoryLock {
    while true {
      if create {
        try Posix.makeDirectories((runtimeDirectory as NSString).deletingLastPathComponent, mode: 0o755)
        try Posix.makeDirectory(runtimeDirectory, mode: 0o700)
      }
      // The manager's XDG_RUNTIME_DIR must be private to its owner: made 0700 through the
      // locked descriptor, refused when it is a link or another user's.
      let lock = try Posix.DirectoryLock(runtimeDirectory, private: create)
      if lock.stillNames(runtimeDirectory) { return lock }
      if !create { throw .fileSystem(operation: "lock", path: runtimeDirectory, errno: ENOENT) }
    }
  }

  /// The environment of the manager, and so the default environment of its services.
  private func launchEnvironment() -> [String] {
    let inherited = ProcessInfo.processInfo.environment
    return [
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "HOME=\(inherited["HOME"] ?? "/root")",
      "USER=root",
      "LOGNAME=root",
      "LANG=\(inherited["LANG"] ?? "C.UTF-8")",
      "XDG_RUNTIME_DIR=\(runtimeDirectory)",
      // No journald in the namespace: log to stderr, which is the log file.
      "SYSTEMD_LOG_TARGET=console",
    ]
  }

  /// Polls until the private socket answers `Version`, the process dies, or the timeout passes.
  private func waitUntilAnswering(pid: pid_t) throws(ManagerError) {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: startTimeout)
    while clock.now < deadline {
      if Posix.state(of: pid) == .gone {
        throw .exitedDuringStartup(pid: pid, logTail: "")
      }
      if Posix.exists(privateSocketPath), (try? endpoint(pid: pid).connect().version) != nil {
        return
      }
      usleep(20_000)
    }
    throw .startTimedOut(seconds: Int(startTimeout.components.seconds), logTail: "")
  }

  /// Ends the recorded manager and everything in its cgroups, then removes the cgroups.
  private func terminate(state: PrivateManagerState) throws(ManagerError) {
    if isOurs(state) {
      // SIGTERM is a user manager's graceful exit (`systemctl --user exit`): it starts
      // exit.target, which stops every unit within the unit's own stop timeout, and exits once
      // they are down. Stopped that way, systemd also removes each unit's private /tmp and
      // /var/tmp (`PrivateTmp=`). The D-Bus `Exit()` call would end the manager at once instead:
      // its services would then die by SIGKILL below and leave those folders behind.
      Posix.signal(state.pid, SIGTERM)
      if !Posix.waitGone(state.pid, timeout: stopTimeout) {
        Posix.signal(state.pid, SIGKILL)
        guard Posix.waitGone(state.pid, timeout: .seconds(5)) else { throw .stopTimedOut(pid: state.pid) }
      }
    } else {
      // Reap it if it was our child and died on its own.
      _ = Posix.state(of: state.pid)
    }
    let directories = Array(Set(state.cgroupDirectories + Self.cgroupDirectoriesIfPresent(state.cgroupName))).sorted()
    try removeCgroups(directories)
  }

  /// Kills every process still in `directories` (services that outlived the manager), waits for
  /// them, then removes the cgroups deepest first.
  private func removeCgroups(_ directories: [String]) throws(ManagerError) {
    let me = getpid()
    // systemd removes a stopped unit's private /tmp and /var/tmp in a detached child,
    // "(sd-rmrf)", which can outlive the manager by a moment: killing it would leave the
    // folders behind, so it gets time to finish first.
    _ = Posix.poll(timeout: .seconds(3), interval: .milliseconds(20)) {
      !directories.flatMap(CgroupLayout.processes(under:)).contains { Posix.commandName(of: $0) == "(sd-rmrf)" }
    }
    let emptied = Posix.poll(timeout: .seconds(10), interval: .milliseconds(50)) {
      let pids = directories.flatMap(CgroupLayout.processes(under:)).filter { $0 != me }
      for pid in pids { Posix.signal(pid, SIGKILL) }
      // Reap any that were our children (only the manager itself can be).
      for pid in pids { _ = Posix.state(of: pid) }
      return pids.isEmpty
    }
    guard emptied else {
      throw .cgroup("processes remain in \(directories.joined(separator: ", "))")
    }
    for directory in directories {
      // The cgroup may need a moment after its last process exits before rmdir succeeds.
      var lastError: ManagerError?
      let removed = Posix.poll(timeout: .seconds(5), interval: .milliseconds(50)) {
        do throws(ManagerError) {
          try CgroupLayout.removeTree(directory)
          return true
        } catch {
          lastError = error
          return false
        }
      }
      if !removed, let lastError { throw lastError }
    }
  }

  /// Removes the runtime files (or the whole folder) and any cgroups of this manager's name.
  private func removeLeftovers(keepingDirectory: Bool) throws(ManagerError) {
    try removeCgroups(Self.cgroupDirectoriesIfPresent(cgroupName))
    if keepingDirectory {
      let names = (try? FileManager.default.contentsOfDirectory(atPath: runtimeDirectory)) ?? []
      for name in names.sorted() {
        try Posix.removeTree(runtimeDirectory + "/" + name)
      }
    } else {
      try Posix.removeTree(runtimeDirectory)
      // The shared parent of default folders goes too once the last pool's folder is gone
      // (rmdir fails, harmlessly, while other pools still use it).
      let parent = (runtimeDirectory as NSString).deletingLastPathComponent
      if parent == Self.defaultRoot { rmdir(parent) }
    }
  }

  /// Existing cgroup directories named `name` in every hierarchy this host has.
  static func cgroupDirectoriesIfPresent(_ name: String) -> [String] {
    guard let layout = try? CgroupLayout.detect() else { return [] }
    return layout.directories(for: name).filter(Posix.isDirectory)
  }

  private static func find(_ candidates: [String], what: String) throws(ManagerError) -> String {
    guard let path = candidates.first(where: Posix.isExecutable) else {
      throw .missingPrerequisite("\(what) not found (looked for \(candidates.joined(separator: ", ")))")
    }
    return path
  }
}
