import Foundation

/// Where a pool keeps its processes' log files.
public enum LogLocation {
  /// `$CGIPOOL_LOG_DIR`, else `/var/log/cgipool/<pool>` for root, else `$XDG_STATE_HOME/cgipool/<pool>/logs`.
  public static func directory(pool: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
    if let explicit = environment["CGIPOOL_LOG_DIR"], !explicit.isEmpty { return explicit }
    if getuid() == 0 { return "/var/log/cgipool/\(pool)" }
    let state = environment["XDG_STATE_HOME"] ?? ((environment["HOME"] ?? "/tmp") + "/.local/state")
    return "\(state)/cgipool/\(pool)/logs"
  }
}
