extension ConfigValidator {
  /// Checks the top level (`PoolKey`) and everything below it.
  mutating func validateDocument(_ document: JSONParser.Document) -> PoolConfig? {
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
    checkKeys(of: root, allowed: PoolKey.self, at: .root)

    // `$schema` is for editors; it only has to be a string.
    if let value = root[PoolKey.schema] { _ = string(value, at: ConfigPath.root.appending(PoolKey.schema)) }

    var name: String? = PoolConfig.defaultName
    if let value = root[PoolKey.name] {
      name = poolName(value, at: ConfigPath.root.appending(PoolKey.name))
    }

    var orphanPatterns: [String]? = PoolConfig.defaultOrphanPatterns
    if let value = root[PoolKey.orphanPatterns] {
      orphanPatterns = stringArray(
        value, at: ConfigPath.root.appending(PoolKey.orphanPatterns), element: "orphan pattern")
    }

    var buildCommand: [String]?? = .some(nil)
    if let value = root[PoolKey.build], value != .null {
      buildCommand = argv(value, at: ConfigPath.root.appending(PoolKey.build), what: "build command").map { .some($0) }
    }

    var hosts: [String: String]? = [:]
    if let value = root[PoolKey.hosts], value != .null {
      hosts = self.hosts(value, at: ConfigPath.root.appending(PoolKey.hosts))
    }
    // A broken `hosts` still lets each process's `host` be checked against the names it gave.
    if case .object(let object)? = root[PoolKey.hosts] { hostNames = Set(object.members.map(\.key)) }

    var logMaxBytes: Int64? = PoolConfig.defaultLogMaxBytes
    if let value = root[PoolKey.logMaxBytes] {
      logMaxBytes = number(value, for: PoolKey.logMaxBytes, in: .root).map { Int64($0) }
    }

    guard let processesValue = root[PoolKey.processes] else {
      reportMissing(PoolKey.processes, at: .root)
      return nil
    }
    var poolSandbox: Sandbox? = Sandbox()
    if let value = root[PoolKey.sandbox] {
      poolSandbox = sandboxOverrides(value, at: ConfigPath.root.appending(PoolKey.sandbox))?.applied(to: Sandbox())
    }
    let processes = self.processes(processesValue, at: ConfigPath.root.appending(PoolKey.processes))

    guard let name, let orphanPatterns, let buildCommand, var processes, let hosts, let poolSandbox, let logMaxBytes else {
      return nil
    }
    // A process's own sandbox overrides the pool's field by field.
    for processName in processes.keys {
      processes[processName]!.sandbox = (sandboxOverrides[processName] ?? SandboxOverrides()).applied(to: poolSandbox)
    }
    var config = PoolConfig(
      name: name,
      processes: processes,
      orphanPatterns: orphanPatterns,
      file: file,
      baseDirectory: baseDirectory,
      buildCommand: buildCommand,
      sandbox: poolSandbox
    )
    config.hosts = hosts
    config.logMaxBytes = logMaxBytes
    return config
  }

  private mutating func poolName(_ value: JSONValue, at path: ConfigPath) -> String? {
    guard let name = string(value, at: path) else { return nil }
    if let invalid = PoolConfig.invalidNameMessage(name) {
      report(path, invalid)
      return nil
    }
    return name
  }

  /// Checks `processes`: each name, each process, and the dependency cycles between them.
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
    if !checkListenUnique(specs, order: names, at: path) { failed = true }
    if !checkCompletions(specs, at: path) { failed = true }
    return failed ? nil : specs
  }
}
