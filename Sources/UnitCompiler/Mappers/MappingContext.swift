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

/// Shared conversions for mappers.
enum Duration {
  /// Seconds (as the config writes them) to microseconds, rounded to the nearest microsecond.
  static func microseconds(_ seconds: Double) -> UInt64 {
    UInt64((max(0, seconds) * 1_000_000).rounded())
  }

  /// Seconds in a short, stable text form for probe arguments: `2`, `0.5`, `1.25`.
  static func text(_ seconds: Double) -> String {
    let millis = Int64((seconds * 1000).rounded())
    if millis % 1000 == 0 { return String(millis / 1000) }
    var fraction = String(millis % 1000)
    while fraction.count < 3 { fraction = "0" + fraction }
    while fraction.hasSuffix("0") { fraction.removeLast() }
    return "\(millis / 1000).\(fraction)"
  }
}
