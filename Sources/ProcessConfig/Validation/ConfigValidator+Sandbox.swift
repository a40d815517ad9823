extension ConfigValidator {
  /// Checks a `sandbox` value (`SandboxKey`), reporting its problems; `nil` when it is invalid.
  mutating func sandboxOverrides(_ value: JSONValue, at path: ConfigPath) -> SandboxOverrides? {
    var rules = SandboxRules()
    let overrides = rules.overrides(value, at: path)
    for problem in rules.problems { report(problem.path, problem.message) }
    return overrides
  }
}
