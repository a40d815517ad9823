import ProcessConfig

/// How the pool's last start went, from the units' own timestamps: one bar per process split into
/// waiting (held back by its dependencies), starting (until its main process ran) and probing
/// (until its health probe passed and the unit became active), and the chain that set the pool's
/// start time. The pure core of `cgipool analyze`.
public struct StartTimeline: Sendable, Equatable {
  /// One process's start, in seconds since the pool's start began.
  public struct Bar: Sendable, Equatable {
    /// The process name.
    public var process: String
    /// The processes it depends on (`depends_on`), sorted.
    public var dependsOn: [String]
    /// When its start job ran: the end of waiting.
    public var started: Double
    /// When its main process was running: the end of starting.
    public var running: Double
    /// When the unit became active (its probe passed): the end of probing.
    public var active: Double

    /// Waiting: from the pool's start until this start job ran.
    public var waiting: Double { started }
    /// Starting: from the job until the main process ran.
    public var starting: Double { running - started }
    /// Probing: from the main process until active (`startup_delay` and the probe).
    public var probing: Double { active - running }
  }

  /// The bars of the processes that started, by start time, then name.
  public var bars: [Bar]
  /// Processes of the config with no timestamps (not running, or never started), sorted.
  public var missing: [String]

  /// The timeline of `pool` from monotonic µs timestamps: per process the unit's
  /// `InactiveExitTimestampMonotonic`, `ExecMainStartTimestampMonotonic` and
  /// `ActiveEnterTimestampMonotonic` (0 when unknown).
  public init(pool: PoolConfig, timestamps: [String: (inactiveExit: UInt64, mainStart: UInt64, activeEnter: UInt64)]) {
    var known: [String: (UInt64, UInt64, UInt64)] = [:]
    for (process, stamp) in timestamps where pool.processes[process] != nil && stamp.inactiveExit > 0 && stamp.activeEnter >= stamp.inactiveExit {
      let mainStart = stamp.mainStart >= stamp.inactiveExit && stamp.mainStart <= stamp.activeEnter ? stamp.mainStart : stamp.inactiveExit
      known[process] = (stamp.inactiveExit, mainStart, stamp.activeEnter)
    }
    let origin = known.values.map { $0.0 }.min() ?? 0
    func seconds(_ usec: UInt64) -> Double { Double(usec - origin) / 1_000_000 }
    bars = known.map { process, stamp in
      Bar(
        process: process, dependsOn: pool.processes[process]!.dependsOn.sorted(), started: seconds(stamp.0),
        running: seconds(stamp.1), active: seconds(stamp.2))
    }.sorted { ($0.started, $0.process) < ($1.started, $1.process) }
    missing = pool.processes.keys.filter { known[$0] == nil }.sorted()
  }

  /// The pool's start time: when its last process became active.
  public var total: Double { bars.map(\.active).max() ?? 0 }

  /// The chain that set the start time, last first: the process active last, then the dependency
  /// that held it longest (the one active last), and so on down to a process that waited for none.
  public var criticalChain: [Bar] {
    let byName = Dictionary(uniqueKeysWithValues: bars.map { ($0.process, $0) })
    guard var current = bars.max(by: { ($0.active, $0.process) < ($1.active, $1.process) }) else { return [] }
    var chain = [current]
    while let next = current.dependsOn.compactMap({ byName[$0] }).max(by: { ($0.active, $0.process) < ($1.active, $1.process) }),
      !chain.contains(next)
    {
      chain.append(next)
      current = next
    }
    return chain
  }
}
