extension PoolConfig {
  /// The names in `requested` that are not processes of the pool, in the order given.
  public func unknownProcesses(_ requested: [String]) -> [String] {
    requested.filter { processes[$0] == nil && replicaCounts[$0] == nil }
  }

  /// `unknown process "x", "y" in <file> (the pool has: a, b)`, or `nil` when every name in
  /// `requested` is a process: the one message every command taking process names gives.
  public func unknownProcessesMessage(_ requested: [String]) -> String? {
    let unknown = unknownProcesses(requested)
    guard !unknown.isEmpty else { return nil }
    return "unknown process \(unknown.map(quote).joined(separator: ", ")) in \(file) "
      + "(the pool has: \(processNames.joined(separator: ", "))\(replicaCounts.isEmpty ? "" : "; replicated: " + replicaCounts.keys.sorted().joined(separator: ", ")))"
  }
}

extension PoolConfig {
  /// The pool-name rule in words, for every message that refuses a name.
  public static let nameRule =
    "use 1 to 64 letters, digits, '_', '.' or '-', starting with a letter, digit or '_', without \"--\" and not "
    + "ending in '-' (it names the unit <name>.slice)"

  /// Whether `name` can name a pool (the config's `name`, `--pool`): `NameRules.isValidPoolName`.
  public static func isValidName(_ name: String) -> Bool {
    NameRules.isValidPoolName(name)
  }

  /// `invalid pool name "x": <rule>`, or `nil` for a valid name.
  public static func invalidNameMessage(_ name: String) -> String? {
    isValidName(name) ? nil : "invalid pool name \(quote(name)): \(nameRule)"
  }
}
