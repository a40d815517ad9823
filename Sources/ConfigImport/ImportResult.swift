/// What an import produced: the pool and every setting that did not carry over exactly.
public struct ImportResult: Sendable, Equatable {
  /// The format read.
  public var format: ImportFormat
  /// The pool's name, when the source names one (supervisord's `[group:x]`); else `nil`.
  public var poolName: String?
  /// The processes, in the order the config lists them (start order of the source, then name).
  public var processes: [ImportedProcess]
  /// Everything not carried over exactly, sorted by severity, line and path.
  public var findings: [ImportFinding]

  /// Creates a result; sorts processes and findings so output is stable.
  public init(format: ImportFormat, poolName: String?, processes: [ImportedProcess], findings: [ImportFinding]) {
    self.format = format
    self.poolName = poolName
    self.processes = processes.sorted { ($0.order, $0.name) < ($1.order, $1.name) }
    self.findings = findings.sorted {
      ($0.severity, $0.line ?? 0, $0.path, $0.reason) < ($1.severity, $1.line ?? 0, $1.path, $1.reason)
    }
  }

  /// The settings lost: a non-empty list makes `import` fail unless `--allow-lossy` is given.
  public var lost: [ImportFinding] { findings.filter { $0.severity == .lost } }
}
