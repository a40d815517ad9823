import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A throwaway container with a real systemd as PID 1, booted by `ops/testbed/booted-systemd.sh`
/// (`systemd-nspawn --directory=/ --volatile=yes --boot`, package systemd-container).
///
/// The container uses the host's `/usr` read-only, persists `/etc`, `/var`, `/root` and an overlay
/// of `/usr/local` across `reboot()` (not across `stop()`), and shares the host's network: a
/// service listening on 127.0.0.1 inside answers on the host, so tests that run the demo pool
/// take the `.demoPorts` trait. The checkout is bound
/// read-only, so the built `cgipool` binary runs inside at `inside(hostPath)`.
///
/// Use `BootedSystemd.with(_:_:)`: it always stops the container, even when the body throws.
public final class BootedSystemd: @unchecked Sendable {
  /// What one command inside produced.
  public typealias Run = HostCommand.Run

  /// Why the testbed failed (not the command inside: that is a `Run` with its status).
  public struct Failure: Error, CustomStringConvertible {
    /// What went wrong.
    public var description: String
  }

  /// The package root, found from this file's path (`Tests/Support/`).
  public static let packageRoot: String = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // Support
    .deletingLastPathComponent()  // Tests
    .deletingLastPathComponent().path

  /// The testbed script in the repository.
  public static let script = packageRoot + "/ops/testbed/booted-systemd.sh"

  /// Whether booted-container tests run: as root always; under CI always (failing when not root).
  public static let enabled: Bool = {
    if geteuid() == 0 { return true }
    if PrivateManagerFixture.isCI { return true }
    print("skipping booted-systemd tests: systemd-nspawn needs root")
    return false
  }()

  /// Where the checkout appears inside: its own path when the script may bind there, else
  /// `/cgipool-checkout` (the script refuses targets under /tmp, /var, /run, /etc, /usr, ...).
  public static let checkoutInside: String = {
    let refused = ["/tmp/", "/var/", "/run/", "/etc/", "/usr/", "/dev/", "/proc/", "/sys/"]
    let root = packageRoot + "/"
    return refused.contains { root.hasPrefix($0) } ? "/cgipool-checkout" : packageRoot
  }()

  /// The container's name (unique on the machine).
  public let name: String
  /// The host PID of the container's PID 1 (changes at every reboot).
  public private(set) var leader: pid_t
  private var stopped = false

  private init(name: String, leader: pid_t) {
    self.name = name
    self.leader = leader
  }

  /// A container name unique to this test process: `stem` plus this process's PID.
  ///
  /// `stem` should carry the caller's tag (e.g. `i11`); the whole name stays within the
  /// script's 31 characters.
  public static func uniqueName(_ stem: String) -> String {
    String("\(stem.prefix(22))-\(String(getpid(), radix: 36))".prefix(31))
  }

  /// Boots a container named `name` with the checkout bound read-only (plus `extraBinds`, each
  /// `HOSTDIR[:CTDIR]`, read-only), runs `body`, and always stops the container afterwards.
  ///
  /// A leftover container of the same name (a crashed earlier run) is stopped first.
  public static func with<R>(
    _ name: String, extraBinds: [String] = [], _ body: (BootedSystemd) throws -> R
  ) throws -> R {
    try #require(geteuid() == 0, "booted-systemd tests need root (CI=true makes this a failure, not a skip)")
    _ = try? script(["stop", name], timeout: 60)
    var arguments = ["start", name, "--bind-ro", "\(packageRoot):\(checkoutInside)"]
    for bind in extraBinds { arguments += ["--bind-ro", bind] }
    let started: Run
    do {
      started = try script(arguments, timeout: 90)
    } catch {
      _ = try? script(["stop", name], timeout: 60)
      throw error
    }
    guard started.status == 0, let leader = pid_t(started.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    else {
      _ = try? script(["stop", name], timeout: 60)
      throw Failure(description: "booting \(name) failed: \(started)")
    }
    let container = BootedSystemd(name: name, leader: leader)
    defer {
      do {
        try container.stop()
      } catch {
        Issue.record("stopping container \(name) failed: \(error)")
      }
    }
    return try body(container)
  }

  /// The path inside the container of `hostPath`, which must lie in the checkout.
  public func inside(_ hostPath: String) throws -> String {
    let root = Self.packageRoot
    guard hostPath == root || hostPath.hasPrefix(root + "/") else {
      throw Failure(description: "\(hostPath) is outside the checkout \(root), which is all the container sees")
    }
    return Self.checkoutInside + hostPath.dropFirst(root.count)
  }

  /// Runs `argv` inside as root (a transient unit of the container's systemd, cwd `/root`),
  /// with `input` on its standard input.
  public func run(_ argv: [String], input: String? = nil, timeout: TimeInterval = 120) throws -> Run {
    try Self.script(["exec", name] + argv, input: input, timeout: timeout)
  }

  /// Runs `/bin/sh -c script` inside (`$` needs no escaping: the script doubles it for systemd-run).
  public func shell(_ script: String, input: String? = nil, timeout: TimeInterval = 120) throws -> Run {
    try run(["/bin/sh", "-c", script], input: input, timeout: timeout)
  }

  /// Writes `contents` to `path` inside (creating its folder).
  public func write(_ contents: String, to path: String) throws {
    try run(["/bin/sh", "-c", "mkdir -p \"$(dirname \"$1\")\" && cat > \"$1\"", "sh", path], input: contents)
      .requiringSuccess("writing \(path)")
  }

  /// `systemctl reboot` inside, then waits until the new boot is `running` or `degraded`.
  public func reboot() throws {
    let result = try Self.script(["reboot", name], timeout: 120).requiringSuccess("rebooting \(name)")
    guard let pid = pid_t(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
      throw Failure(description: "reboot of \(name) printed no leader PID: \(result)")
    }
    leader = pid
  }

  /// Powers the container off cleanly, kills what is left by PID and removes its state.
  /// `with` calls this; calling it twice is harmless.
  public func stop() throws {
    guard !stopped else { return }
    stopped = true
    _ = try Self.script(["stop", name], timeout: 90).requiringSuccess("stopping \(name)")
  }

  /// Runs the testbed script with `arguments`, killing it (by PID) after `timeout` seconds.
  @discardableResult
  public static func script(_ arguments: [String], input: String? = nil, timeout: TimeInterval) throws -> Run {
    try HostCommand.run([script] + arguments, input: input, timeout: timeout)
  }
}

