/// What one pass over `/proc` found.
public struct OrphanScan: Sendable, Equatable {
  /// Processes matching a pattern outside the pool's units, in PID order.
  public var orphans: [Orphan]
  /// Processes matching a pattern inside the pool's units (left alone), in PID order.
  public var poolMembers: [Int32]
  /// How many processes the pass examined.
  public var processCount: Int

  /// Creates a scan result.
  public init(orphans: [Orphan], poolMembers: [Int32], processCount: Int) {
    self.orphans = orphans
    self.poolMembers = poolMembers
    self.processCount = processCount
  }
}
