import CSystemd

#if canImport(Glibc)
import Glibc
#endif

// Every call into libsystemd's sd-daemon notification API lives in this file (as CBus.swift
// does for sd-bus): the rest of SystemdBus sees `ServiceNotifier` only.

/// The internal namespace holding every `sd_notify`/`sd_watchdog_enabled` call of SystemdBus.
enum CNotify {
  /// `sd_notify(0, state)`: a negative errno on failure, 0 when no manager listens, > 0 when sent.
  static func notify(_ state: String) -> Int32 {
    state.withCString { sd_notify(0, $0) }
  }

  /// `sd_watchdog_enabled(0, &usec)`: the watchdog interval in microseconds, nil when none is set.
  static func watchdogMicroseconds() -> UInt64? {
    var usec: UInt64 = 0
    return sd_watchdog_enabled(0, &usec) > 0 && usec > 0 ? usec : nil
  }
}
