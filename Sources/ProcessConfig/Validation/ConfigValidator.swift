/// Walks a parsed config document and collects every problem, each with its place.
///
/// Validation never stops at the first problem: each field is checked on its own, and
/// a broken field does not hide problems elsewhere. A `PoolConfig` is built only when
/// nothing at all was found.
///
/// The keys each object accepts are the `ConfigKey` enums (`PoolKey`, `ProcessKey`,
/// `HealthCheckKey`); each concern has its own file: `+Pool` (the top level), `+Process`,
/// `+HealthCheck`, `+Cycles` and `+Values` (the checks they share).
struct ConfigValidator {
  /// Cycles reported at most; past this the graph is hopeless and more lines would not help.
  static let maximumReportedCycles = 32
  /// Search steps spent finding cycles before giving up, so a pathological graph stays cheap.
  static let cycleSearchBudget = 200_000

  let file: String
  let baseDirectory: String
  private(set) var diagnostics: [ConfigDiagnostic] = []
  /// The names under `hosts`, which a process's `host` must use.
  var hostNames: Set<String> = []
  /// Each valid process `sandbox`, applied over the pool's once the pool's is known.
  var sandboxOverrides: [String: SandboxOverrides] = [:]

  /// Creates a validator for the document named `file`.
  init(file: String, baseDirectory: String) {
    self.file = file
    self.baseDirectory = baseDirectory
  }

  /// Validates a document: the config, or every diagnostic sorted by path then message.
  static func validate(
    _ document: JSONParser.Document, file: String, baseDirectory: String
  ) -> Result<PoolConfig, ConfigError> {
    var validator = ConfigValidator(file: file, baseDirectory: baseDirectory)
    let config = validator.validateDocument(document)
    if let config, validator.diagnostics.isEmpty { return .success(config.expandingReplicas()) }
    let sorted = validator.diagnostics.sorted { ($0.path, $0.message) < ($1.path, $1.message) }
    return .failure(ConfigError(diagnostics: sorted))
  }

  /// Records a problem at `path`.
  mutating func report(_ path: ConfigPath, _ message: String) {
    diagnostics.append(ConfigDiagnostic(file: file, path: path, message: message))
  }
}

/// A value quoted for a message: escapes control characters so a diagnostic stays on one line,
/// and shortens very long values.
func quote(_ text: String) -> String {
  let limit = 100
  let scalars = text.unicodeScalars
  guard scalars.count > limit else { return text.debugDescription }
  var short = String.UnicodeScalarView()
  short.append(contentsOf: scalars.prefix(limit))
  return String(short).debugDescription + "..."
}

extension ConfigPath {
  /// This path extended by a config key.
  func appending(_ key: some ConfigKey) -> ConfigPath {
    appending(key.rawValue)
  }
}

extension JSONObject {
  /// The value for a config key, if present.
  subscript(key: some ConfigKey) -> JSONValue? {
    self[key.rawValue]
  }
}
