import ProcessConfig

/// Maps what runs: `Type=exec`, the argv, the working directory, the environment and the output.
enum ExecMapper {
  static func map(_ context: MappingContext) -> MappedSettings {
    var mapped = MappedSettings()
    // Type=exec makes the start job fail when the binary cannot be executed,
    // instead of reporting success and failing a moment later.
    mapped.service.append(UnitSetting("Type", .string("exec")))
    mapped.service.append(UnitSetting("WorkingDirectory", .string(context.workingDirectory)))
    mapped.service += environmentSettings(context.process)
    mapped.service.append(
      UnitSetting("ExecStart", .exec(ExecCommand(path: context.executable, argv: context.process.command))))
    if let logDirectory = context.options.logDirectory {
      mapped.service += outputSettings(logDirectory: logDirectory, process: context.process.name)
    }
    return mapped
  }

  /// One `Environment=` per variable, sorted by name.
  static func environmentSettings(_ process: ProcessSpec) -> [UnitSetting] {
    process.env.keys.sorted().map { UnitSetting("Environment", .environment(name: $0, value: process.env[$0]!)) }
  }

  /// Output settings appending stdout and stderr to `<logDirectory>/<process>.log`.
  static func outputSettings(logDirectory: String, process: String) -> [UnitSetting] {
    let file = logDirectory.hasSuffix("/") ? logDirectory + process + ".log" : logDirectory + "/" + process + ".log"
    return [
      UnitSetting("StandardOutput", .string("append:" + file), busProperty: "StandardOutputFileToAppend"),
      UnitSetting("StandardError", .string("append:" + file), busProperty: "StandardErrorFileToAppend"),
    ]
  }
}
