extension ConfigValidator {
  /// Checks `depends_on`; the edges returned are those that name another existing process, once each.
  ///
  /// An entry is a process name, or an object (`DependencyKey`): `{"process": NAME, "condition": ..., "restart": BOOL}`.
  mutating func dependencies(
    _ value: JSONValue, of name: String, at path: ConfigPath, allNames: Set<String>
  ) -> (edges: [(dependency: String, index: Int)], dependencies: [Dependency], valid: Bool) {
    guard case .array(let elements) = value else {
      report(path, "expected an array of process names or {\"process\": ...} objects, found \(value.kindDescription)")
      return ([], [], false)
    }
    var edges: [(dependency: String, index: Int)] = []
    var dependencies: [Dependency] = []
    var firstIndex: [String: Int] = [:]
    var valid = true
    for (index, element) in elements.enumerated() {
      let elementPath = path.appending(index)
      let entry: Dependency
      let namePath: ConfigPath
      switch element {
      case .object(let object):
        guard let parsed = dependencyObject(object, at: elementPath) else {
          valid = false
          continue
        }
        entry = parsed
        namePath = elementPath.appending(DependencyKey.process)
      case .string(let text):
        entry = Dependency(process: text)
        namePath = elementPath
      default:
        report(elementPath, "expected a process name or a {\"process\": ...} object, found \(element.kindDescription)")
        valid = false
        continue
      }
      let dependency = entry.process
      if dependency == name {
        report(namePath, "process \(quote(name)) depends on itself")
        valid = false
      } else if !allNames.contains(dependency) {
        let candidates = allNames.subtracting([name]).sorted()
        let suggestion = Suggestion.closest(to: dependency, among: candidates).map { " (did you mean \(quote($0))?)" }
        report(namePath, "unknown process \(quote(dependency))\(suggestion ?? "")")
        valid = false
      } else if let first = firstIndex[dependency] {
        report(namePath, "duplicate dependency \(quote(dependency)) (already at depends_on[\(first)])")
        valid = false
      } else {
        firstIndex[dependency] = index
        edges.append((dependency, index))
        dependencies.append(entry)
      }
    }
    return (edges, dependencies, valid)
  }

  /// One `depends_on` entry written as an object.
  private mutating func dependencyObject(_ object: JSONObject, at path: ConfigPath) -> Dependency? {
    checkKeys(of: object, allowed: DependencyKey.self, at: path)
    var failed = false
    var process: String?
    if let value = object[DependencyKey.process] {
      process = string(value, at: path.appending(DependencyKey.process))
    } else {
      reportMissing(DependencyKey.process, at: path)
    }
    if process == nil { failed = true }
    var dependency = Dependency(process: process ?? "")
    if let value = object[DependencyKey.condition] {
      let conditionPath = path.appending(DependencyKey.condition)
      if let text = string(value, at: conditionPath) {
        if let condition = Dependency.Condition(rawValue: text) {
          dependency.condition = condition
        } else {
          let valid = Dependency.Condition.allCases.map(\.rawValue)
          report(conditionPath, "unknown condition \(quote(text)) \(hint(for: text, among: valid))")
          failed = true
        }
      } else {
        failed = true
      }
    }
    if let value = object[DependencyKey.restart] {
      if case .bool(let flag) = value {
        dependency.restart = flag
      } else {
        report(path.appending(DependencyKey.restart), "expected true or false, found \(value.kindDescription)")
        failed = true
      }
    }
    return failed ? nil : dependency
  }

  /// Reports dependencies that can never complete: `completed_successfully` on a process
  /// that `restart_policy: always` restarts whenever it exits. Returns whether all are fine.
  mutating func checkCompletions(_ specs: [String: ProcessSpec], at path: ConfigPath) -> Bool {
    var fine = true
    for name in specs.keys.sorted() {
      for (index, dependency) in specs[name]!.dependencies.enumerated() where dependency.condition == .completedSuccessfully {
        guard specs[dependency.process]?.restartPolicy == .always else { continue }
        report(
          path.appending(name).appending(ProcessKey.dependsOn).appending(index).appending(DependencyKey.condition),
          "\(quote(dependency.process)) has restart_policy \"always\", so it never completes: give it \"on-failure\" "
            + "or \"no\", or use condition \"healthy\" or \"started\"")
        fine = false
      }
    }
    return fine
  }
}
