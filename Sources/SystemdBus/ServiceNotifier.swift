/// Tells the service manager about a `Type=notify` service's state (`sd_notify`).
///
/// Outside such a service (no `$NOTIFY_SOCKET`) every call is a no-op, so the same code
/// runs under systemd and in a terminal.
public struct ServiceNotifier: Sendable {
  /// Creates a notifier for the calling process.
  public init() {}

  /// The interval systemd expects `WATCHDOG=1` within (`WatchdogSec=`), nil when no watchdog is set.
  public var watchdogInterval: Double? {
    CNotify.watchdogMicroseconds().map { Double($0) / 1e6 }
  }

  /// `READY=1`: start-up is complete; a `Type=notify` unit becomes active.
  @discardableResult
  public func ready(status: String? = nil) -> Bool {
    send(["READY=1"] + (status.map { ["STATUS=" + $0] } ?? []))
  }

  /// `WATCHDOG=1`: the service is alive; without it within `WatchdogSec=`, systemd kills and restarts it.
  @discardableResult
  public func watchdog() -> Bool {
    send(["WATCHDOG=1"])
  }

  /// `STATUS=...`: one line `systemctl status` shows.
  @discardableResult
  public func status(_ text: String) -> Bool {
    send(["STATUS=" + text])
  }

  /// `STOPPING=1`: the service is shutting down.
  @discardableResult
  public func stopping() -> Bool {
    send(["STOPPING=1"])
  }

  /// Sends newline-separated assignments; true when a manager received them.
  private func send(_ assignments: [String]) -> Bool {
    // A newline inside a value would start a new assignment.
    let lines = assignments.map { String($0.map { $0 == "\n" ? " " : $0 }) }
    return CNotify.notify(lines.joined(separator: "\n")) > 0
  }
}
