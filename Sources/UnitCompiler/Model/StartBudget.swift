import ProcessConfig

/// How long one process's start may take: its unit's `TimeoutStartSec=` (after the dependency
/// gate's own wait), a dependent's gate budget, and how long `cgipool start` waits for it. One
/// rule for all three, so they cannot disagree.
///
/// A start is more than the probe: the manager forks the process and then its probe, and each
/// sets up its sandbox (a mount namespace and its mounts) before it runs. A pool's start, and a
/// boot, starts every process at once, so on a small machine that work queues: on 2 cores about
/// 70 ms of it per sandboxed process, so 500 processes were all up only after about 37 s, long past
/// a 10 s probe timeout plus the margin. Each unit then timed out and was restarted, which only
/// lengthened the queue. The queue allowance keeps a cold start of a large pool from timing out;
/// the probe still keeps its own timeout once it runs.
public enum StartBudget {
  /// Seconds beyond the probe's delay and timeout: the start of its process and of the probe.
  public static let margin: Double = 5
  /// Seconds a process without a health check takes to count as started, for wait budgets.
  public static let unchecked: Double = 10
  /// Processes whose starts fit in `margin` when they all start at once.
  public static let startsWithinMargin = 50
  /// Seconds per further process of the pool.
  public static let perQueuedStart: Double = 0.2

  /// Whole seconds a start may wait behind the rest of a pool of `poolSize` processes starting
  /// at once: 0 up to `startsWithinMargin`, then `perQueuedStart` per process (500 → 90 s).
  public static func queue(poolSize: Int) -> Double {
    (perQueuedStart * Double(max(0, poolSize - startsWithinMargin))).rounded(.up)
  }

  /// How long `spec`'s start (fork, sandbox, startup delay, probe) may take in a pool of
  /// `poolSize` processes, its dependency gate aside.
  public static func seconds(_ spec: ProcessSpec, poolSize: Int) -> Double {
    (spec.healthCheck.map { spec.startupDelay + $0.timeout + margin } ?? unchecked) + queue(poolSize: poolSize)
  }
}
