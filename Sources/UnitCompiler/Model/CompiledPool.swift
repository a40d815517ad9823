import ProcessConfig

/// The output of a compile: every unit of a pool, in a deterministic order.
public struct CompiledPool: Sendable, Equatable {
  /// The pool's name, the prefix of every unit.
  public var poolName: String
  /// The slice, then the target, then each process's service (topological order), then the health unit.
  public var units: [UnitDefinition]

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
