/// How a new job interacts with queued ones (the `mode` argument of
/// `org.freedesktop.systemd1.Manager.StartUnit` and friends).
public enum JobMode: String, Sendable, CaseIterable {
  /// Replace conflicting queued jobs.
  case replace
  /// Fail if the job conflicts with a queued one.
  case fail
  /// Stop every other unit.
  case isolate
  /// Ignore every dependency.
  case ignoreDependencies = "ignore-dependencies"
  /// Ignore requirement dependencies only.
  case ignoreRequirements = "ignore-requirements"
  /// Like replace, and later jobs cannot replace this one.
  case replaceIrreversibly = "replace-irreversibly"
}

/// Which processes of a unit `org.freedesktop.systemd1.Manager.KillUnit` signals.
public enum KillWho: String, Sendable, CaseIterable {
  /// The main process only.
  case main
  /// The control process only.
  case control
  /// Every process of the unit.
  case all
}
