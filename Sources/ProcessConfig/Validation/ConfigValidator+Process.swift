extension ConfigValidator {
  /// Validates one process (`ProcessKey`); also returns its resolvable dependency edges for the cycle search.
  mutating func process(
    named name: String, _ value: JSONValue, at path: ConfigPath, allNames: Set<String>
  ) -> (ProcessSpec?, [(dependency: String, index: Int)]) {
    guard case .object(let object) = value else {
      report(path, "expected an object describing the process, found \(value.kindDescription)")
      return (nil, [])
    }
    checkKeys(of: object, allowed: ProcessKey.self, at: path)
    var failed = false
    // Records a failure while keeping the default, so later checks still run.
    func take<T>(_ result: T?, default fallback: T) -> T {
      if let result { return result }
      failed = true
      return fallback
    }

    var command: [String] = []
    if let value = object[ProcessKey.command] {
      command = take(argv(value, at: path.appending(ProcessKey.command), what: "command"), default: [])
    } else {
      reportMissing(ProcessKey.command, at: path)
      failed = true
    }
    var spec = ProcessSpec(name: name, command: command)

    if let value = object[ProcessKey.cwd] {
      spec.cwd = take(workingDirectory(value, at: path.appending(ProcessKey.cwd)), default: spec.cwd)
    }
    if let value = object[ProcessKey.env] {
      spec.env = take(environment(value, at: path.appending(ProcessKey.env)), default: spec.env)
    }
    if let value = object[ProcessKey.envFile] {
      spec.envFiles = take(environmentFiles(value, at: path.appending(ProcessKey.envFile)), default: [])
    }
    if let value = object[ProcessKey.credentials] {
      spec.credentials = take(credentials(value, at: path.appending(ProcessKey.credentials)), default: [:])
    }
    if let value = object[ProcessKey.restartPolicy] {
      spec.restartPolicy = take(
        restartPolicy(value, at: path.appending(ProcessKey.restartPolicy)), default: spec.restartPolicy)
    }
    if let value = object[ProcessKey.startupDelay] {
      spec.startupDelay = take(number(value, for: ProcessKey.startupDelay, in: path), default: 0)
    }
    if let value = object[ProcessKey.stopSignal] {
      spec.stopSignal = take(stopSignal(value, at: path.appending(ProcessKey.stopSignal)), default: spec.stopSignal)
    }
    if let value = object[ProcessKey.stopTimeout] {
      spec.stopTimeout = take(number(value, for: ProcessKey.stopTimeout, in: path), default: 0)
    }
    if let value = object[ProcessKey.restartDelay] {
      spec.restartDelay = take(number(value, for: ProcessKey.restartDelay, in: path), default: 0)
    }
    if let value = object[ProcessKey.settleTime] {
      spec.settleTime = take(number(value, for: ProcessKey.settleTime, in: path), default: 0)
    }
    if let value = object[ProcessKey.type] {
      spec.type = take(processType(value, at: path.appending(ProcessKey.type)), default: spec.type)
    }
    if let value = object[ProcessKey.pidFile], value != .null {
      spec.pidFile = take(pidFile(value, type: spec.type, at: path.appending(ProcessKey.pidFile)), default: nil)
    }
    if let value = object[ProcessKey.healthCheck], value != .null {
      // Not through `take`: a `HealthCheck?` result would be wrapped, never read as a failure.
      if let check = healthCheck(value, at: path.appending(ProcessKey.healthCheck)) {
        spec.healthCheck = check
      } else {
        failed = true
      }
    }
    if let value = object[ProcessKey.host] {
      spec.host = take(processHost(value, at: path.appending(ProcessKey.host), hostNames: hostNames), default: nil)
    }
    if let value = object[ProcessKey.limits], value != .null {
      spec.limits = take(limits(value, at: path.appending(ProcessKey.limits)), default: Limits())
    }
    if let value = object[ProcessKey.listen], value != .null {
      spec.listen = take(listenAddresses(value, at: path.appending(ProcessKey.listen)), default: [])
    }
    if let value = object[ProcessKey.sandbox] {
      if let overrides = sandboxOverrides(value, at: path.appending(ProcessKey.sandbox)) {
        sandboxOverrides[name] = overrides
      } else {
        failed = true
      }
    }
    if let value = object[ProcessKey.replicas] {
      spec.replicas = take(number(value, for: ProcessKey.replicas, in: path).map { Int($0) }, default: 1)
    }
    if !replicaPlaceholders(spec, at: path) { failed = true }
    var edges: [(dependency: String, index: Int)] = []
    if let value = object[ProcessKey.dependsOn] {
      let result = dependencies(value, of: name, at: path.appending(ProcessKey.dependsOn), allNames: allNames)
      edges = result.edges
      if result.valid { spec.dependencies = result.dependencies } else { failed = true }
    }
    if !failed { checkKernelLimits(spec, at: path) }
    if !failed, !checkProbeAvoidsHeldAddresses(spec, at: path) { failed = true }
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

  /// `env_file`: one path or an array of paths, each non-empty (after an optional leading `-`).
  private mutating func environmentFiles(_ value: JSONValue, at path: ConfigPath) -> [EnvironmentFile]? {
    let written: [(String, ConfigPath)]
    switch value {
    case .string(let text): written = [(text, path)]
    case .array:
      guard let texts = stringArray(value, at: path, element: nil) else { return nil }
      written = texts.enumerated().map { ($0.element, path.appending($0.offset)) }
    default:
      report(path, "expected a path or an array of paths, found \(value.kindDescription)")
      return nil
    }
    var files: [EnvironmentFile] = []
    var valid = true
    for (text, entryPath) in written {
      guard checkNoNUL(text, at: entryPath) else {
        valid = false
        continue
      }
      let file = EnvironmentFile(written: text)
      if file.path.isEmpty {
        report(entryPath, "the environment file's path is empty")
        valid = false
        continue
      }
      files.append(file)
    }
    return valid ? files : nil
  }

  /// `credentials`: names valid as file names under `$CREDENTIALS_DIRECTORY`, each with a non-empty path.
  private mutating func credentials(_ value: JSONValue, at path: ConfigPath) -> [String: String]? {
    guard case .object(let object) = value else {
      report(path, "expected an object mapping credential names to files, found \(value.kindDescription)")
      return nil
    }
    var credentials: [String: String] = [:]
    var valid = true
    for member in object.members {
      let entryPath = path.appending(member.key)
      if !NameRules.isValidCredentialName(member.key) {
        report(
          entryPath,
          "invalid credential name \(quote(member.key)): use letters, digits, '_', '-' and '.', not starting with '.' or '-', at most 255")
        valid = false
      }
      guard let text = string(member.value, at: entryPath), checkNoNUL(text, at: entryPath) else {
        valid = false
        continue
      }
      if text.isEmpty {
        report(entryPath, "the credential's file is empty: give the path of the file holding the secret")
        valid = false
        continue
      }
      credentials[member.key] = text
    }
    return valid ? credentials : nil
  }

  private mutating func restartPolicy(_ value: JSONValue, at path: ConfigPath) -> RestartPolicy? {
    guard let text = string(value, at: path) else { return nil }
    if let policy = RestartPolicy(rawValue: text) { return policy }
    let valid = RestartPolicy.allCases.map(\.rawValue)
    report(path, "unknown restart policy \(quote(text)) \(hint(for: text, among: valid))")
    return nil
  }

  private mutating func stopSignal(_ value: JSONValue, at path: ConfigPath) -> StopSignal? {
    guard let text = string(value, at: path) else { return nil }
    if let signal = StopSignal(rawValue: text) { return signal }
    let valid = StopSignal.allCases.map(\.rawValue)
    report(path, "unknown stop signal \(quote(text)) \(hint(for: text, among: valid))")
    return nil
  }

  private mutating func processType(_ value: JSONValue, at path: ConfigPath) -> ProcessType? {
    guard let text = string(value, at: path) else { return nil }
    if let type = ProcessType(rawValue: text) { return type }
    let valid = ProcessType.allCases.map(\.rawValue)
    report(path, "unknown process type \(quote(text)) \(hint(for: text, among: valid))")
    return nil
  }

  /// `pid_file` is read by systemd only for `Type=forking`; elsewhere it would be silently ignored.
  private mutating func pidFile(_ value: JSONValue, type: ProcessType, at path: ConfigPath) -> String? {
    guard let text = string(value, at: path), checkNoNUL(text, at: path) else { return nil }
    guard !text.isEmpty else {
      report(path, "the PID file path is empty")
      return nil
    }
    guard type == .forking else {
      report(path, "pid_file needs \"type\": \"forking\" (a process that stays in the foreground is its own main process)")
      return nil
    }
    return text
  }
}
