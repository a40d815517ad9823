import ProcessConfig

/// Everything a mapper may read while it maps one process.
struct MappingContext {
  /// The whole pool.
  var pool: PoolConfig
  /// The naming scheme of the pool's units.
  var names: UnitNames
  /// Machine facts.
  var options: CompileOptions
  /// The process being mapped.
  var process: ProcessSpec
  /// The process's absolute working directory.
  var workingDirectory: String
  /// The absolute path `command[0]` resolved to.
  var executable: String
}

/// Settings a mapper contributes to a service, by section.
struct MappedSettings {
  /// Lines for `[Unit]`.
  var unit: [UnitSetting] = []
  /// Lines for `[Service]`.
  var service: [UnitSetting] = []

  /// Appends another mapper's contribution after this one's.
  mutating func append(_ other: MappedSettings) {
    unit += other.unit
    service += other.service
  }
}
