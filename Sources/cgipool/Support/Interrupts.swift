#if canImport(Glibc)
  import Glibc
#endif

/// SIGINT and SIGTERM as a counter the long-running commands poll.
///
/// The handler only counts: waits in the runtime wake at least every 200 ms
/// and ask `requested`, so no work happens inside the signal handler.
enum Interrupts {
  nonisolated(unsafe) private static var count: sig_atomic_t = 0

  /// How many SIGINT/SIGTERM arrived since `install()`.
  static var received: Int { Int(count) }
  /// Whether at least one arrived.
  static var requested: Bool { count > 0 }

  /// Installs the counting handler for SIGINT and SIGTERM (without SA_RESTART, so waits return).
  static func install() {
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { _ in Interrupts.count += 1 }
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0
    sigaction(SIGINT, &action, nil)
    sigaction(SIGTERM, &action, nil)
    // A parent may have blocked them (some launchers do); a blocked signal would never arrive.
    var unblock = sigset_t()
    sigemptyset(&unblock)
    sigaddset(&unblock, SIGINT)
    sigaddset(&unblock, SIGTERM)
    sigprocmask(SIG_UNBLOCK, &unblock, nil)
  }
}
