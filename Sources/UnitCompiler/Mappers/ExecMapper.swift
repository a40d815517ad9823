import ProcessConfig

/// Maps what runs: `Type=exec` (or `forking` with its `PIDFile=`), the argv, the working
/// directory, the environment and the output.
enum ExecMapper {
  static func map(_ context: MappingContext) -> MappedSettings {
    var mapped = MappedSettings()
    switch context.process.type {
    case .simple:
      // Type=exec makes the start job fail when the binary cannot be executed,
      // instead of reporting success and failing a moment later.
      mapped.service.append(UnitSetting("Type", .string("exec")))
    case .forking:
      // The start job ends when the command exits, and the daemon it left becomes the main
      // process: read from the PID file when given, guessed by systemd otherwise.
      mapped.service.append(UnitSetting("Type", .string("forking")))
      if let pidFile = context.process.resolvedPIDFile(workingDirectory: context.workingDirectory) {
        mapped.service.append(UnitSetting("PIDFile", .string(pidFile)))
      }
    }
    mapped.service.append(UnitSetting("WorkingDirectory", .string(context.workingDirectory)))
    mapped.service += environmentSettings(context.process)
    mapped.service += environmentFileSettings(context.process, base: context.pool.baseDirectory)
    mapped.service += credentialSettings(context.process, base: context.pool.baseDirectory)
    mapped.service.append(
      UnitSetting("ExecStart", .exec(ExecCommand(path: context.executable, argv: context.process.command))))
    mapped.service += outputSettings(context.options, process: context.process.name)
    return mapped
  }

  /// One `Environment=` per variable, sorted by name.
  static func environmentSettings(_ process: ProcessSpec) -> [UnitSetting] {
    process.env.keys.sorted().map { UnitSetting("Environment", .environment(name: $0, value: process.env[$0]!)) }
  }

  /// One `EnvironmentFile=` per file, in the config's order (systemd reads them in order, after
  /// `Environment=`, at every start, so a later file and an edited file win).
  static func environmentFileSettings(_ process: ProcessSpec, base: String) -> [UnitSetting] {
    process.envFiles.map { file in
      UnitSetting(
        "EnvironmentFile", .environmentFile(path: file.resolvedPath(base: base), optional: file.isOptional),
        busProperty: "EnvironmentFiles")
    }
  }

  /// One `LoadCredential=NAME:PATH` per credential, sorted by name: systemd copies each file
  /// into the unit's credentials folder, so the secret itself is in no unit and no property.
  static func credentialSettings(_ process: ProcessSpec, base: String) -> [UnitSetting] {
    let files = process.resolvedCredentials(base: base)
    return files.keys.sorted().map { UnitSetting("LoadCredential", .credential(name: $0, path: files[$0]!)) }
  }

  /// The output settings `options` ask for: appending to the process's file, the journal said
  /// explicitly, or none (the manager's default).
  static func outputSettings(_ options: CompileOptions, process: String) -> [UnitSetting] {
    if let logDirectory = options.logDirectory {
      return outputSettings(logDirectory: logDirectory, process: process)
    }
    guard options.journalOutput else { return [] }
    return [UnitSetting("StandardOutput", .string("journal")), UnitSetting("StandardError", .string("journal"))]
  }

  /// Output settings appending stdout and stderr to `<logDirectory>/<process>.log`.
  static func outputSettings(logDirectory: String, process: String) -> [UnitSetting] {
    let file = LogPath.file(process: process, in: logDirectory)
    return [
      UnitSetting("StandardOutput", .appendFile(file), busProperty: "StandardOutputFileToAppend"),
      UnitSetting("StandardError", .appendFile(file), busProperty: "StandardErrorFileToAppend"),
    ]
  }
}
