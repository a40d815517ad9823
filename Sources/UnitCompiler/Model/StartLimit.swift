/// The start-rate limit every process unit gets, so a crash loop ends `failed` instead of looping forever.
///
/// systemd counts every start of a unit, automatic restarts included; the start after
/// `burst` starts within `interval` seconds fails with result `start-limit-hit`
/// (`StartLimitIntervalSec=`, `StartLimitBurst=`).
public enum StartLimit {
  /// The window, in seconds (`StartLimitIntervalSec=60`).
  public static let interval: Double = 60
  /// Starts allowed within the window (`StartLimitBurst=5`).
  public static let burst: UInt32 = 5
  /// `5 starts in 60s`.
  public static var summary: String { "\(burst) starts in \(Int(interval))s" }
}
