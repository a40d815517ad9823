import Foundation
import ProcessConfig
import SystemdBus

#if canImport(Glibc)
import Glibc
#endif

/// A systemd user manager that cgipool runs itself, for hosts (containers, CI) where systemd is
/// not PID 1.
///
/// `start()` spawns, in a new session and a private mount namespace,
/// `unshare --mount --propagation private /bin/sh -c <script>`; the script mounts a tmpfs on
/// `/run/systemd` (only inside that namespace, so the host's `/run` is untouched), creates
/// `/run/systemd/system` so that systemd believes it was booted, joins the cgroup
/// `<hierarchy>/<cgroupName>` in every hierarchy and execs `systemd --user` with
/// `XDG_RUNTIME_DIR=<runtime folder>`. The manager then answers on
/// `<runtime>/systemd/private` (and a socket-activated user bus at `<runtime>/bus` when
/// dbus-user-session is installed); its output goes to `<runtime>/manager.log`, and
/// `<runtime>/manager.json` records its PID and paths so other commands find it.
///
/// The runtime folder defaults to `/run/cgipool/<pool>` (on a real host `/run` is a tmpfs, which
/// matches the manager's lifetime); `$CGIPOOL_RUNTIME_DIR` or an explicit folder overrides it.
/// Starting, stopping and cleaning up need root.
public struct PrivateManager: Sendable, Equatable {
  /// The environment variable that overrides the runtime folder.
  public static let runtimeDirectoryVariable = "CGIPOOL_RUNTIME_DIR"
  /// The parent of default runtime folders.
  public static let defaultRoot = "/run/cgipool"

  /// The runtime folder (the manager's `XDG_RUNTIME_DIR`), an absolute path.
  public var runtimeDirectory: String
  /// The cgroup created below each hierarchy root.
  public var cgroupName: String
  /// How long `start()` waits for the private socket to answer.
  public var startTimeout: Duration = .seconds(30)
  /// How long `stop()` waits for the manager to stop its units and exit after SIGTERM before
  /// killing it.
  public var stopTimeout: Duration = .seconds(30)

  /// A manager with an explicit runtime folder; the cgroup name defaults to `cgipool-<folder
  /// name>`, plus a hash of the full path unless the folder is under `/run/cgipool`, so two
  /// folders never share a cgroup.
  public init(runtimeDirectory: String, cgroupName: String? = nil) {
    // Lexical only: Foundation's standardizingPath resolves symbolic links, which would follow
    // a link planted where the runtime folder should be instead of refusing it.
    let standardized = FilePath.normalize(runtimeDirectory, relativeTo: FileManager.default.currentDirectoryPath)
    self.runtimeDirectory = standardized
    self.cgroupName = cgroupName ?? PrivateManager.defaultCgroupName(for: standardized)
  }

  /// The manager for `pool`: `runtimeDirectory` if given, else `$CGIPOOL_RUNTIME_DIR`, else
  /// `/run/cgipool/<pool>`.
  public static func resolve(
    pool: String = PoolConfig.defaultName, runtimeDirectory: String? = nil,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> PrivateManager {
    if let runtimeDirectory, !runtimeDirectory.isEmpty {
      return PrivateManager(runtimeDirectory: absolute(runtimeDirectory))
    }
    if let fromEnvironment = environment[runtimeDirectoryVariable], !fromEnvironment.isEmpty {
      return PrivateManager(runtimeDirectory: absolute(fromEnvironment))
    }
    return PrivateManager(runtimeDirectory: defaultRoot + "/" + pool)
  }

  /// The D-Bus address of the private socket: `unix:path=<runtime>/systemd/private`.
  public var busAddress: String { "unix:path=" + Self.escapeAddressValue(privateSocketPath) }
  /// `<runtime>/systemd/private`.
  public var privateSocketPath: String { runtimeDirectory + "/systemd/private" }
  /// `<runtime>/manager.json`.
  public var stateFilePath: String { runtimeDirectory + "/manager.json" }
  /// `<runtime>/manager.log`: the manager's stdout and stderr (and, by default, its services').
  public var logFilePath: String { runtimeDirectory + "/manager.log" }

  /// The endpoint of this manager for a given PID.
  func endpoint(pid: Int32?) -> ManagerEndpoint {
    ManagerEndpoint(kind: .privateManager, address: busAddress, isBusClient: false, runtimeDirectory: runtimeDirectory, pid: pid)
  }

  /// The state of the manager as found on disk and in the process table.
  public enum Status: Sendable, Equatable {
    /// Nothing is running here.
    case notRunning
    /// The manager runs and answers; `version` is its `Version` property.
    case running(pid: Int32, version: String, endpoint: ManagerEndpoint)
    /// A state file exists but its process is gone or does not answer (a later start or stop
    /// cleans up).
    case stale(pid: Int32?, reason: String)
  }

  /// Reports whether the manager runs, without changing anything (needs no root to read a
  /// world-readable state, but the default runtime folder is root-only).
  public func status() -> Status {
    guard let state = PrivateManagerState.read(from: stateFilePath) else {
      return Posix.exists(runtimeDirectory) && Posix.exists(privateSocketPath)
        ? .stale(pid: nil, reason: "socket without state file") : .notRunning
    }
    guard isOurs(state) else {
      return .stale(pid: state.pid, reason: "process \(state.pid) is gone")
    }
    do {
      let version = try endpoint(pid: state.pid).connect().version
      return .running(pid: state.pid, version: version, endpoint: endpoint(pid: state.pid))
    } catch {
      return .stale(pid: state.pid, reason: "process \(state.pid) does not answer: \(error)")
    }
  }

  /// True when the state's PID runs and sits in the recorded cgroup (guards against PID reuse).
  func isOurs(_ state: PrivateManagerState) -> Bool {
    guard Posix.state(of: state.pid) == .alive else { return false }
    let suffix = "/" + state.cgroupName
    return Posix.cgroups(of: state.pid).contains { $0 == suffix || $0.hasPrefix(suffix + "/") }
  }

  static func defaultCgroupName(for runtimeDirectory: String) -> String {
    let base = sanitize((runtimeDirectory as NSString).lastPathComponent)
    if (runtimeDirectory as NSString).deletingLastPathComponent == defaultRoot {
      return "cgipool-" + base
    }
    return "cgipool-" + base + "-" + String(fnv1a(runtimeDirectory), radix: 16)
  }

  /// Keeps characters valid in a cgroup and unit-ish name; anything else becomes `_`.
  static func sanitize(_ name: String) -> String {
    let mapped = name.unicodeScalars.map { scalar -> Character in
      let c = Character(scalar)
      return c.isASCII && (c.isLetter || c.isNumber || c == "-" || c == "_" || c == ".") ? c : "_"
    }
    let result = String(mapped)
    return result.isEmpty || result.hasPrefix(".") ? "_" + result : result
  }

  /// 32-bit FNV-1a, a stable short hash for names.
  static func fnv1a(_ text: String) -> UInt32 {
    var hash: UInt32 = 0x811c_9dc5
    for byte in text.utf8 {
      hash ^= UInt32(byte)
      hash = hash &* 0x0100_0193
    }
    return hash
  }

  /// Escapes a D-Bus address value: bytes outside `[-0-9A-Za-z_/.\*]` become `%xx`.
  static func escapeAddressValue(_ value: String) -> String {
    var out = ""
    for byte in value.utf8 {
      let c = Character(Unicode.Scalar(byte))
      if c.isASCII && (c.isLetter || c.isNumber || "-_/.\\*".contains(c)) {
        out.append(c)
      } else {
        out += "%" + String(byte, radix: 16).leftPadded(to: 2)
      }
    }
    return out
  }

  static func absolute(_ path: String) -> String {
    path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
  }
}

extension String {
  fileprivate func leftPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: "0", count: width - count) + self
  }
}
