import ProcessConfig

/// systemd's limit on one unit-file line: `LONG_LINE_MAX`, 1 MiB. A longer line (a huge argv or
/// environment value, grown by escaping: a control byte becomes four) makes systemd refuse the
/// whole unit file, so `check`, `generate units` and `start` refuse it first, with the config path.
public enum UnitFileLimits {
  /// The longest line systemd reads in a unit file, in bytes (newline excluded).
  public static let maximumLineBytes = 1_048_576

  /// Lines of `pool`'s units that would be too long, judged without resolving executables
  /// (`command[0]` stands for its resolved path): what `check` reports.
  public static func problems(_ pool: PoolConfig) -> [ConfigDiagnostic] {
    var diagnostics: [ConfigDiagnostic] = []
    for name in pool.processNames {
      let process = pool.processes[name]!
      var settings = [UnitSetting("ExecStart", .exec(ExecCommand(path: process.command[0], argv: process.command)))]
      settings += ExecMapper.environmentSettings(process)
      if let check = process.healthCheck, check.kind == .command {
        settings.append(UnitSetting("ExecStartPost", .string(UnitFileSyntax.quoteArgument(check.target))))
      }
      diagnostics += problems(settings, process: process, file: pool.file)
    }
    return diagnostics
  }

  /// Lines of compiled `units` that are too long: what `compile` refuses, exactly as rendered.
  static func problems(_ units: [UnitDefinition], pool: PoolConfig) -> [ConfigDiagnostic] {
    units.flatMap { unit -> [ConfigDiagnostic] in
      guard let name = unit.process, let process = pool.processes[name] else { return [] }
      return problems(unit.sections.flatMap(\.settings), process: process, file: pool.file)
    }
  }

  private static func problems(_ settings: [UnitSetting], process: ProcessSpec, file: String) -> [ConfigDiagnostic] {
    let base = ConfigPath.root.appending("processes").appending(process.name)
    return settings.compactMap { setting -> ConfigDiagnostic? in
      let bytes = setting.key.utf8.count + 1 + UnitFileSyntax.render(setting.value).utf8.count
      guard bytes > maximumLineBytes else { return nil }
      let path: ConfigPath
      switch (setting.key, setting.value) {
      case ("ExecStart", _): path = base.appending("command")
      case ("Environment", .environment(let name, _)): path = base.appending("env").appending(name)
      case ("ExecStartPost", _): path = base.appending("health_check").appending("target")
      default: path = base
      }
      return ConfigDiagnostic(
        file: file, path: path,
        message: "its \(setting.key)= line in the unit file would be \(bytes) bytes after escaping, over the \(maximumLineBytes) bytes (1 MiB) systemd reads in one unit-file line (LONG_LINE_MAX)")
    }
  }
}
