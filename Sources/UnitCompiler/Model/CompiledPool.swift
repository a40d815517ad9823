import ProcessConfig

/// The output of a compile: every unit of a pool, in a deterministic order.
public struct CompiledPool: Sendable, Equatable {
  /// The pool's name, the prefix of every unit.
  public var poolName: String
  /// The slice, then the target, then each process's socket (with `listen`) and service
  /// (topological order), then the
  /// helper units (the health unit, the log cap unit) the pool has.
  public var units: [UnitDefinition]
  /// Where output goes to files: the name of each file the units write in the log folder
  /// (`<name>.log`: every process, then the helper units'), in a stable order; empty under the journal.
  public var logNames: [String] = []

  /// Creates a compiled pool.
  public init(poolName: String, units: [UnitDefinition]) {
    self.poolName = poolName
    self.units = units
  }

  /// The unit with `name`, if the pool has one.
  public func unit(named name: String) -> UnitDefinition? {
    units.first { $0.name == name }
  }

  /// The main service unit of each process, in start order.
  public var services: [UnitDefinition] {
    units.filter { $0.kind == .service && $0.process != nil }
  }
}
