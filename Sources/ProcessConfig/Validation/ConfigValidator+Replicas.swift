extension ConfigValidator {
  /// Checks the `{replica...}` placeholders of `spec`'s command, env values and health target
  /// (`ReplicaPlaceholder`), and that the health target is still valid for the last instance
  /// (`"127.0.0.1:6553{replica}"` is a port for instance 1 but not for instance 6).
  mutating func replicaPlaceholders(_ spec: ProcessSpec, at path: ConfigPath) -> Bool {
    var valid = true
    for (index, argument) in spec.command.enumerated() {
      if let problem = ReplicaPlaceholder.problem(in: argument) {
        report(path.appending(ProcessKey.command).appending(index), problem)
        valid = false
      }
    }
    for (name, value) in spec.env.sorted(by: { $0.key < $1.key }) {
      if let problem = ReplicaPlaceholder.problem(in: value) {
        report(path.appending(ProcessKey.env).appending(name), problem)
        valid = false
      }
    }
    if let check = spec.healthCheck, spec.replicas > 1, ReplicaPlaceholder.mentions(check.target) {
      let last = ReplicaPlaceholder.expand(check.target, replica: spec.replicas)
      let targetPath = path.appending(ProcessKey.healthCheck).appending(HealthCheckKey.target)
      let fine =
        switch check.kind {
        case .port: NameRules.isValidPortTarget(last)
        case .http: NameRules.isValidHTTPTarget(last)
        case .command: true
        }
      if !fine {
        report(targetPath, "the target is not a valid \(check.kind.rawValue) target for replica \(spec.replicas): \(quote(last))")
        valid = false
      }
    }
    return valid
  }
}
