import UnitCompiler

/// The settings `plan` compares, as text, keyed by their unit-file name: what the config compiles
/// to on one side, what the manager has loaded on the other, in the same form.
///
/// Only settings the manager reports back exactly are compared (the command, environment, env
/// files, credentials, folder, restart policy and delay, stop signal and timeout, dependencies); the rest of
/// a unit follows from these and the pool's fixed mapping. `ExecStartPost` (the health probe with
/// its target, timeout and `startup_delay`) covers `health_check` and the start timeout made from it.
public struct UnitSettings: Sendable, Equatable {
  /// The compared keys, in the order `plan` prints them.
  public static let keys = [
    "ExecStart", "WorkingDirectory", "Environment", "EnvironmentFile", "LoadCredential", "ExecStartPost",
    "Restart", "RestartSec", "KillSignal", "TimeoutStopSec", "Wants", "After", "PartOf",
  ]

  /// The dependency keys: compared only as far as they name the pool's own services (the
  /// manager adds its own, such as the slice; a unit file adds the pool's target).
  static let dependencyKeys: Set<String> = ["Wants", "After", "PartOf"]

  /// Each key's values as text (a repeated key has several).
  public var values: [String: [String]]

  /// Creates settings from text values.
  public init(_ values: [String: [String]]) {
    self.values = values
  }

  /// What `definition` (a compiled service) sets.
  public init(compiled definition: UnitDefinition) {
    var values: [String: [String]] = [:]
    for key in Self.keys {
      values[key] = definition.values(of: key).map { value in
        switch value {
        // The manager reports argv as it received it over the bus, `$` doubled.
        case .exec(let command): Self.command(path: command.path, argv: command.argv.map(TransientUnitBuilder.doublingDollars))
        case .environment(let name, let text): name + "=" + text
        case .environmentFile(let path, let optional): (optional ? "-" : "") + path
        case .credential(let name, let path): name + ":" + path
        case .microseconds(let usec): UnitFileSyntax.duration(usec)
        case .unitNames(let names): names.filter { $0.hasSuffix(".service") }.sorted().joined(separator: " ")
        case .string(let text): text
        default: UnitFileSyntax.render(value)
        }
      }.filter { !$0.isEmpty }
    }
    self.init(values)
  }

  /// What the manager has loaded for `state`; dependencies only on units named in `poolUnits`
  /// (the manager adds its own, such as the slice).
  public init(loaded state: UnitState, poolUnits: Set<String>) {
    func dependencies(_ units: [String]) -> [String] {
      let kept = units.filter(poolUnits.contains).sorted()
      return kept.isEmpty ? [] : [kept.joined(separator: " ")]
    }
    self.init([
      "ExecStart": state.execStart.map { Self.command(path: $0.path, argv: $0.argv) },
      "WorkingDirectory": state.workingDirectory.isEmpty ? [] : [state.workingDirectory],
      "Environment": state.environment,
      "EnvironmentFile": state.environmentFiles,
      "LoadCredential": state.credentials,
      "ExecStartPost": state.execStartPost.map { Self.command(path: $0.path, argv: $0.argv) },
      "Restart": state.restart.isEmpty ? [] : [state.restart],
      "RestartSec": state.restart == "no" || state.restart.isEmpty ? [] : [UnitFileSyntax.duration(state.restartMicroseconds)],
      "KillSignal": state.killSignal == 0 ? [] : [UnitFileSyntax.signalName(state.killSignal)],
      "TimeoutStopSec": [UnitFileSyntax.duration(state.timeoutStopMicroseconds)],
      "Wants": dependencies(state.wants),
      "After": dependencies(state.after),
      "PartOf": dependencies(state.partOf),
    ])
  }

  /// A command as one line: the path, then the argv words quoted where needed.
  static func command(path: String, argv: [String]) -> String {
    ([path] + argv.map { word in
      word.isEmpty || word.contains(where: { $0 == " " || $0 == "\"" || $0 == "\\" || $0.isNewline || $0 == "\t" })
        ? String(reflecting: word) : word
    }).joined(separator: " ")
  }
}
