import ProcessConfig

/// Maps `log_max_bytes`: the pool's log cap unit, `<pool>.logcap.service`, when output goes to
/// files (`CompileOptions.logDirectory`). Under the journal, journald bounds the output itself.
///
/// systemd writes each file through an `append:` descriptor the process keeps, so nothing but a
/// process beside it can shorten the file: `cgipool logcap` looks at every file of the pool each
/// second and cuts the older part off a file that passed the cap (see `LogTrimmer`).
enum LogCapMapper {
  /// Seconds between two looks at the files: how far past the cap a file can grow is what the
  /// process writes in this time.
  static let intervalSeconds: Double = 1
  /// Seconds before systemd starts the unit again after it died.
  static let restartSeconds: Double = 1

  /// The output names (`<name>.log`) the pool writes in its log folder: each process, the
  /// health unit when there is one, and the log cap unit itself.
  static func logNames(_ contexts: [MappingContext], hasHealth: Bool) -> [String] {
    guard let first = contexts.first else { return [] }
    let pool = first.pool.name
    return contexts.map(\.process.name).sorted() + (hasHealth ? [pool + ".health"] : []) + [pool + ".logcap"]
  }

  /// `<pool>.logcap.service`, or nil when output goes to the journal (no log folder).
  ///
  /// Hardened at the `strict` level: it needs no network, no capability and no other process,
  /// only to rewrite the files of the log folder (`ReadWritePaths=`).
  static func unit(_ contexts: [MappingContext], hasHealth: Bool) -> UnitDefinition? {
    guard let first = contexts.first, let directory = first.options.logDirectory else { return nil }
    let names = first.names
    let options = first.options
    var argv = [
      options.probeExecutable, "logcap", "--max-bytes", String(first.pool.logMaxBytes),
      "--interval", Seconds.text(intervalSeconds),
    ]
    for name in logNames(contexts, hasHealth: hasHealth) {
      argv += ["--file", LogPath.file(process: name, in: directory)]
    }
    var service: [UnitSetting] = [
      UnitSetting("Type", .string("exec")),
      UnitSetting("Restart", .string("always")),
      UnitSetting("RestartSec", .microseconds(Seconds.microseconds(restartSeconds)), busProperty: "RestartUSec"),
      UnitSetting("Slice", .string(names.slice)),
      UnitSetting("ExecStart", .exec(ExecCommand(path: options.probeExecutable, argv: argv))),
      UnitSetting("TimeoutStopSec", .microseconds(Seconds.microseconds(5)), busProperty: "TimeoutStopUSec"),
    ]
    service += ExecMapper.outputSettings(options, process: first.pool.name + ".logcap")
    service += SandboxMapper.logCapSettings(logDirectory: directory, options: options, baseDirectory: first.pool.baseDirectory)
    return UnitDefinition(
      name: names.logCap, kind: .service,
      sections: [
        HelperUnit.unitSection(description: "cgipool \(first.pool.name): log size cap", names: names),
        UnitSection("Service", service),
      ])
  }
}
