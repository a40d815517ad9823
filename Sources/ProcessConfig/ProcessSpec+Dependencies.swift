extension ProcessSpec {
  /// The names of the processes this one depends on, in config order.
  ///
  /// Setting it replaces every dependency with a default one (`healthy`, no restart).
  public var dependsOn: [String] {
    get { dependencies.map(\.process) }
    set { dependencies = newValue.map { Dependency(process: $0) } }
  }

  /// The dependency on `process`, if this process has one.
  public func dependency(on process: String) -> Dependency? {
    dependencies.first { $0.process == process }
  }
}
