/// Walks a parsed config document and collects every problem, each with its place.
///
/// Validation never stops at the first problem: each field is checked on its own, and
/// a broken field does not hide problems elsewhere. A `PoolConfig` is built only when
/// nothing at all was found.
struct ConfigValidator {
  /// The keys allowed at the top level.
  static let topLevelKeys = ["build", "name", "orphan_patterns", "processes"]
  /// The keys allowed in a process.
  static let processKeys = [
    "command", "cwd", "depends_on", "env", "health_check", "restart_delay", "restart_policy", "startup_delay",
    "stop_timeout",
  ]
  /// The keys allowed in a `health_check`.
  static let healthCheckKeys = ["failure_threshold", "interval", "target", "timeout", "type"]

  /// Cycles reported at most; past this the graph is hopeless and more lines would not help.
  static let maximumReportedCycles = 32
  /// Search steps spent finding cycles before giving up, so a pathological graph stays cheap.
  static let cycleSearchBudget = 200_000

  /// The bounds of a numeric field.
  struct NumberRule {
    var minimum: Double
    var minimumIsExclusive = false
    var maximum: Double
    var integer = false
    var unit: String? = "seconds"

    static let startupDelay = NumberRule(minimum: 0, maximum: 3600)
    static let restartDelay = NumberRule(minimum: 0, maximum: 3600)
    static let stopTimeout = NumberRule(minimum: 0, minimumIsExclusive: true, maximum: 3600)
    static let probeTimeout = NumberRule(minimum: 0, minimumIsExclusive: true, maximum: 3600)
    static let probeInterval = NumberRule(minimum: 1, maximum: 86400)
    static let failureThreshold = NumberRule(minimum: 1, maximum: 100, integer: true, unit: nil)
  }

  private let file: String
  private let baseDirectory: String
  private var diagnostics: [ConfigDiagnostic] = []

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
    if let config, validator.diagnostics.isEmpty { return .success(config) }
    let sorted = validator.diagnostics.sorted { ($0.path, $0.message) < ($1.path, $1.message) }
    return .failure(ConfigError(diagnostics: sorted))
  }

  // MARK: - Document

  private mutating func validateDocument(_ document: JSONParser.Document) -> PoolConfig? {
    for duplicate in document.duplicateKeys {
      let key: String
      if case .key(let last) = duplicate.path.components.last { key = last } else { key = "" }
      report(
        duplicate.path,
        "duplicate key \(quote(key)) at \(duplicate.location) (first at \(duplicate.firstLocation))")
    }
    guard case .object(let root) = document.value else {
      report(.root, "expected an object, found \(document.value.kindDescription)")
      return nil
    }
    checkKeys(of: root, allowed: Self.topLevelKeys, at: .root)

    var name: String? = PoolConfig.defaultName
    if let value = root["name"] {
      name = poolName(value, at: ConfigPath.root.appending("name"))
    }

    var orphanPatterns: [String]? = PoolConfig.defaultOrphanPatterns
    if let value = root["orphan_patterns"] {
      orphanPatterns = stringArray(value, at: ConfigPath.root.appending("orphan_patterns"), element: "orphan pattern")
    }

    var buildCommand: [String]?? = .some(nil)
    if let value = root["build"], value != .null {
      buildCommand = argv(value, at: ConfigPath.root.appending("build"), what: "build command").map { .some($0) }
    }

    guard let processesValue = root["processes"] else {
      report(.root, "missing required key \"processes\"")
      return nil
    }
    let processes = self.processes(processesValue, at: ConfigPath.root.appending("processes"))

    guard let name, let orphanPatterns, let buildCommand, let processes else { return nil }
    return PoolConfig(
      name: name,
      processes: processes,
      orphanPatterns: orphanPatterns,
      file: file,
      baseDirectory: baseDirectory,
      buildCommand: buildCommand
    )
  }

  private mutating func poolName(_ value: JSONValue, at path: ConfigPath) -> String? {
    guard let name = string(value, at: path) else { return nil }
    guard NameRules.isValidPoolName(name) else {
      report(
        path,
        "invalid pool name \(quote(name)): use 1 to 64 letters, digits, '_', '.' or '-', starting with a letter, "
          + "digit or '_', without \"--\" and not ending in '-' (it names the unit <name>.slice)")
      return nil
    }
    return name
  }

  // MARK: - Processes

  private mutating func processes(_ value: JSONValue, at path: ConfigPath) -> [String: ProcessSpec]? {
    guard case .object(let object) = value else {
      report(path, "expected an object mapping process names to processes, found \(value.kindDescription)")
      return nil
    }
    guard !object.members.isEmpty else {
      report(path, "at least one process is required")
      return nil
    }
    let names = object.members.map(\.key)
    let nameSet = Set(names)
    var specs: [String: ProcessSpec] = [:]
    var graph: [String: [(dependency: String, index: Int)]] = [:]
    var failed = false
    for member in object.members {
      let processPath = path.appending(member.key)
      if !NameRules.isValidProcessName(member.key) {
        report(
          processPath,
          "invalid process name \(quote(member.key)): use 1 to 64 letters, digits, '_' or '-', starting with a "
            + "letter, digit or '_' (it becomes part of a systemd unit name)")
        failed = true
      }
      let (spec, edges) = process(named: member.key, member.value, at: processPath, allNames: nameSet)
      graph[member.key] = edges
      if let spec { specs[member.key] = spec } else { failed = true }
    }
    if reportCycles(in: graph, names: names.sorted(), at: path) { failed = true }
    return failed ? nil : specs
  }

  /// Validates one process; also returns its resolvable dependency edges for the cycle search.
  private mutating func process(
    named name: String, _ value: JSONValue, at path: ConfigPath, allNames: Set<String>
  ) -> (ProcessSpec?, [(dependency: String, index: Int)]) {
    guard case .object(let object) = value else {
      report(path, "expected an object describing the process, found \(value.kindDescription)")
      return (nil, [])
    }
    checkKeys(of: object, allowed: Self.processKeys, at: path)
    var failed = false
    // Records a failure while keeping the default, so later checks still run.
    func take<T>(_ result: T?, default fallback: T) -> T {
      if let result { return result }
      failed = true
      return fallback
    }

    var command: [String] = []
    if let value = object["command"] {
      command = take(argv(value, at: path.appending("command"), what: "command"), default: [])
    } else {
      report(path, "missing required key \"command\"")
      failed = true
    }
    var spec = ProcessSpec(name: name, command: command)

    if let value = object["cwd"] {
      spec.cwd = take(workingDirectory(value, at: path.appending("cwd")), default: spec.cwd)
    }
    if let value = object["env"] {
      spec.env = take(environment(value, at: path.appending("env")), default: spec.env)
    }
    if let value = object["restart_policy"] {
      spec.restartPolicy = take(restartPolicy(value, at: path.appending("restart_policy")), default: spec.restartPolicy)
    }
    if let value = object["startup_delay"] {
      spec.startupDelay = take(number(value, at: path.appending("startup_delay"), .startupDelay), default: 0)
    }
    if let value = object["stop_timeout"] {
      spec.stopTimeout = take(number(value, at: path.appending("stop_timeout"), .stopTimeout), default: 0)
    }
    if let value = object["restart_delay"] {
      spec.restartDelay = take(number(value, at: path.appending("restart_delay"), .restartDelay), default: 0)
    }
    if let value = object["health_check"], value != .null {
      // Not through `take`: a `HealthCheck?` result would be wrapped, never read as a failure.
      if let check = healthCheck(value, at: path.appending("health_check")) {
        spec.healthCheck = check
      } else {
        failed = true
      }
    }
    var edges: [(dependency: String, index: Int)] = []
    if let value = object["depends_on"] {
      let result = dependencies(value, of: name, at: path.appending("depends_on"), allNames: allNames)
      edges = result.edges
      if result.valid { spec.dependsOn = edges.map(\.dependency) } else { failed = true }
    }
    return (failed ? nil : spec, edges)
  }

  private mutating func workingDirectory(_ value: JSONValue, at path: ConfigPath) -> String? {
    guard let cwd = string(value, at: path) else { return nil }
    guard !cwd.isEmpty else {
      report(path, "the working directory is empty (use \".\" for the config's folder)")
      return nil
    }
    return checkNoNUL(cwd, at: path) ? cwd : nil
  }

  private mutating func environment(_ value: JSONValue, at path: ConfigPath) -> [String: String]? {
    guard case .object(let object) = value else {
      report(path, "expected an object of strings, found \(value.kindDescription)")
      return nil
    }
    var environment: [String: String] = [:]
    var valid = true
    for member in object.members {
      let entryPath = path.appending(member.key)
      if member.key.unicodeScalars.contains("\0") {
        report(entryPath, "the environment variable name contains a NUL character, which a process cannot receive")
        valid = false
      } else if !NameRules.isValidEnvironmentName(member.key) {
        report(
          entryPath,
          "invalid environment variable name \(quote(member.key)): use letters, digits and '_', not starting with a digit")
        valid = false
      }
      guard let text = string(member.value, at: entryPath), checkNoNUL(text, at: entryPath) else {
        valid = false
        continue
      }
      environment[member.key] = text
    }
    return valid ? environment : nil
  }

  private mutating func restartPolicy(_ value: JSONValue, at path: ConfigPath) -> RestartPolicy? {
    guard let text = string(value, at: path) else { return nil }
    if let policy = RestartPolicy(rawValue: text) { return policy }
    let valid = RestartPolicy.allCases.map(\.rawValue)
    report(path, "unknown restart policy \(quote(text)) \(hint(for: text, among: valid))")
    return nil
  }

  /// Checks `depends_on`; the edges returned are those that name another existing process, once each.
  private mutating func dependencies(
    _ value: JSONValue, of name: String, at path: ConfigPath, allNames: Set<String>
  ) -> (edges: [(dependency: String, index: Int)], valid: Bool) {
    guard case .array(let elements) = value else {
      report(path, "expected an array of process names, found \(value.kindDescription)")
      return ([], false)
    }
    var edges: [(dependency: String, index: Int)] = []
    var firstIndex: [String: Int] = [:]
    var valid = true
    for (index, element) in elements.enumerated() {
      let elementPath = path.appending(index)
      guard let dependency = string(element, at: elementPath) else {
        valid = false
        continue
      }
      if dependency == name {
        report(elementPath, "process \(quote(name)) depends on itself")
        valid = false
      } else if !allNames.contains(dependency) {
        let candidates = allNames.subtracting([name]).sorted()
        let suggestion = Suggestion.closest(to: dependency, among: candidates).map { " (did you mean \(quote($0))?)" }
        report(elementPath, "unknown process \(quote(dependency))\(suggestion ?? "")")
        valid = false
      } else if let first = firstIndex[dependency] {
        report(elementPath, "duplicate dependency \(quote(dependency)) (already at depends_on[\(first)])")
        valid = false
      } else {
        firstIndex[dependency] = index
        edges.append((dependency, index))
      }
    }
    return (edges, valid)
  }

  // MARK: - Health checks

  private mutating func healthCheck(_ value: JSONValue, at path: ConfigPath) -> HealthCheck? {
    guard case .object(let object) = value else {
      report(path, "expected an object, found \(value.kindDescription)")
      return nil
    }
    checkKeys(of: object, allowed: Self.healthCheckKeys, at: path)
    var failed = false
    var kind: HealthCheck.Kind?
    if let value = object["type"] {
      let typePath = path.appending("type")
      if let text = string(value, at: typePath) {
        kind = HealthCheck.Kind(rawValue: text)
        if kind == nil {
          let valid = HealthCheck.Kind.allCases.map(\.rawValue)
          report(typePath, "unknown health check type \(quote(text)) \(hint(for: text, among: valid))")
        }
      }
    } else {
      report(path, "missing required key \"type\"")
    }
    if kind == nil { failed = true }

    var target: String?
    if let value = object["target"] {
      let targetPath = path.appending("target")
      target = string(value, at: targetPath)
      if let text = target, let kind, !isValidTarget(text, kind: kind, at: targetPath) { target = nil }
    } else {
      report(path, "missing required key \"target\"")
    }
    if target == nil { failed = true }

    var check = HealthCheck(kind: kind ?? .port, target: target ?? "")
    if let value = object["timeout"] {
      check.timeout = number(value, at: path.appending("timeout"), .probeTimeout) ?? { failed = true; return 0 }()
    }
    if let value = object["interval"] {
      check.interval = number(value, at: path.appending("interval"), .probeInterval) ?? { failed = true; return 0 }()
    }
    if let value = object["failure_threshold"] {
      if let threshold = number(value, at: path.appending("failure_threshold"), .failureThreshold) {
        check.failureThreshold = Int(threshold)
      } else {
        failed = true
      }
    }
    return failed ? nil : check
  }

  private mutating func isValidTarget(_ target: String, kind: HealthCheck.Kind, at path: ConfigPath) -> Bool {
    switch kind {
    case .port:
      guard NameRules.isValidPortTarget(target) else {
        report(path, "invalid port target \(quote(target)): expected a port from 1 to 65535, \"host:port\" or \"[IPv6]:port\"")
        return false
      }
    case .http:
      guard NameRules.isValidHTTPTarget(target) else {
        report(path, "invalid http target \(quote(target)): expected an http:// or https:// URL with a host")
        return false
      }
    case .command:
      guard target.contains(where: { !$0.isWhitespace }) else {
        report(path, "the health check command is empty")
        return false
      }
      return checkNoNUL(target, at: path)
    }
    return true
  }

  // MARK: - Dependency cycles

  /// Reports each elementary dependency cycle once; returns whether any was found.
  ///
  /// As in Johnson's algorithm: find the strongly connected components (linear time), take
  /// the smallest name in any cyclic one, report every cycle through it inside its component,
  /// remove it, and repeat. Each cycle is so reported exactly once, from its alphabetically
  /// smallest member, at `processes.<smallest>.depends_on[<index of the next member>]`. A
  /// dense graph can hold exponentially many cycles: the search stops after a limit, still
  /// reporting at least one cycle per component, and says that it stopped.
  private mutating func reportCycles(
    in graph: [String: [(dependency: String, index: Int)]], names: [String], at path: ConfigPath
  ) -> Bool {
    let ids = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
    let dependencyGraph = DependencyGraph(
      edges: names.map { name in
        (graph[name] ?? []).compactMap { edge in
          ids[edge.dependency].map { DependencyGraph.Edge(target: $0, index: edge.index) }
        }
      })
    let originalComponents = dependencyGraph.cyclicComponents()
    guard !originalComponents.isEmpty else { return false }

    var found: [DependencyGraph.Cycle] = []
    var budget = Self.cycleSearchBudget
    var complete = true
    var alive = [Bool](repeating: true, count: names.count)
    while let component = dependencyGraph.cyclicComponents(alive: alive).first {
      let start = component[0]
      let result = dependencyGraph.cycles(
        from: start, in: Set(component), limit: Self.maximumReportedCycles - found.count, budget: &budget)
      found += result.cycles
      if !result.complete {
        complete = false
        break
      }
      alive[start] = false
    }
    // A stopped search may have skipped whole components: give each at least one cycle.
    for component in originalComponents {
      let members = Set(component)
      if !found.contains(where: { members.contains($0.members[0]) }),
        let shortest = dependencyGraph.shortestCycle(in: component)
      {
        found.append(shortest)
      }
    }
    for cycle in found {
      report(
        path.appending(names[cycle.members[0]]).appending("depends_on").appending(cycle.firstEdgeIndex),
        "dependency cycle: \(cycle.members.map { names[$0] }.joined(separator: " -> "))")
    }
    if !complete {
      report(path, "the search for dependency cycles stopped after \(found.count) cycles; more may exist")
    }
    return true
  }

  // MARK: - Shared checks

  /// Reports every key of `object` not in `allowed`, suggesting the closest allowed key.
  private mutating func checkKeys(of object: JSONObject, allowed: [String], at path: ConfigPath) {
    for member in object.members where !allowed.contains(member.key) {
      let message: String
      if let suggestion = Suggestion.closest(to: member.key, among: allowed) {
        message = "unknown key \(quote(member.key)) (did you mean \(quote(suggestion))?)"
      } else {
        message = "unknown key \(quote(member.key)) (valid keys: \(allowed.joined(separator: ", ")))"
      }
      report(path.appending(member.key), message)
    }
  }

  private mutating func string(_ value: JSONValue, at path: ConfigPath) -> String? {
    guard case .string(let text) = value else {
      report(path, "expected a string, found \(value.kindDescription)")
      return nil
    }
    return text
  }

  /// An argv: a non-empty array of strings without NUL, the program name non-empty.
  private mutating func argv(_ value: JSONValue, at path: ConfigPath, what: String) -> [String]? {
    guard case .array(let elements) = value else {
      let example = value.kindDescription == "a string" ? " (write it as [\"program\", \"argument\", ...])" : ""
      report(path, "expected an array of strings, found \(value.kindDescription)\(example)")
      return nil
    }
    guard !elements.isEmpty else {
      report(path, "the \(what) is empty: give the program and its arguments")
      return nil
    }
    guard let arguments = stringArray(value, at: path, element: nil) else { return nil }
    if arguments[0].isEmpty {
      report(path.appending(0), "the program name is empty")
      return nil
    }
    return arguments
  }

  /// An array of strings without NUL; `element` names the elements when empty ones are refused.
  private mutating func stringArray(_ value: JSONValue, at path: ConfigPath, element: String?) -> [String]? {
    guard case .array(let elements) = value else {
      report(path, "expected an array of strings, found \(value.kindDescription)")
      return nil
    }
    var strings: [String] = []
    var valid = true
    for (index, item) in elements.enumerated() {
      let itemPath = path.appending(index)
      guard let text = string(item, at: itemPath), checkNoNUL(text, at: itemPath) else {
        valid = false
        continue
      }
      if let element, text.isEmpty {
        report(itemPath, "the \(element) is empty")
        valid = false
        continue
      }
      strings.append(text)
    }
    return valid ? strings : nil
  }

  private mutating func number(_ value: JSONValue, at path: ConfigPath, _ rule: NumberRule) -> Double? {
    let noun = rule.integer ? "an integer" : "a number"
    guard case .number(let number) = value else {
      report(path, "expected \(noun), found \(value.kindDescription)")
      return nil
    }
    let aboveMinimum = rule.minimumIsExclusive ? number.value > rule.minimum : number.value >= rule.minimum
    let inRange = aboveMinimum && number.value <= rule.maximum
    let whole = number.value.rounded(.towardZero) == number.value
    guard inRange, !rule.integer || whole else {
      let unit = rule.unit.map { " of \($0)" } ?? ""
      let bounds =
        rule.minimumIsExclusive
        ? "greater than \(format(rule.minimum)) and at most \(format(rule.maximum))"
        : "from \(format(rule.minimum)) to \(format(rule.maximum))"
      report(path, "expected \(noun)\(unit) \(bounds), found \(number.literal)")
      return nil
    }
    return number.value
  }

  /// Reports a NUL character in `text`; returns whether there was none.
  private mutating func checkNoNUL(_ text: String, at path: ConfigPath) -> Bool {
    guard text.unicodeScalars.contains("\0") else { return true }
    report(path, "contains a NUL character, which a process cannot receive")
    return false
  }

  /// ` (did you mean "x"?)` or ` (expected one of: a, b, c)`.
  private func hint(for text: String, among valid: [String]) -> String {
    if let suggestion = Suggestion.closest(to: text, among: valid) {
      return "(did you mean \(quote(suggestion))?)"
    }
    return "(expected one of: \(valid.joined(separator: ", ")))"
  }

  private mutating func report(_ path: ConfigPath, _ message: String) {
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

/// A bound for a message: `3600`, not `3600.0`.
private func format(_ value: Double) -> String {
  value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
}
