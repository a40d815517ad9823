import ProcessConfig

/// `cgipool import`'s entry point: reads a peer's file into processes and findings.
public enum ConfigImporter {
  /// Imports `text` in `format` (inferred from the name and content when `nil`).
  public static func importConfig(
    _ text: String, format: ImportFormat?, context: ImportContext
  ) throws(ImportError) -> ImportResult {
    guard let format = format ?? ImportFormat.infer(fileName: context.file, contents: text) else {
      throw ImportError(
        file: context.file,
        message: "cannot tell the format: name it with --format supervisord|process-compose|procfile")
    }
    var result: ImportResult
    switch format {
    case .supervisord:
      var importer = SupervisordImporter(context: context)
      result = try importer.importFile(text)
    case .processCompose:
      var importer = ProcessComposeImporter(context: context)
      result = try importer.importFile(text)
    case .procfile:
      var importer = ProcfileImporter(context: context)
      result = try importer.importFile(text)
    }
    return checkingEnvironment(result, file: context.file)
  }

  /// Drops environment variables cgipool cannot pass (a name outside `[A-Za-z_][A-Za-z0-9_]*`, a NUL),
  /// each with a finding: every format can hold them, and the config would not validate.
  static func checkingEnvironment(_ result: ImportResult, file: String) -> ImportResult {
    var findings = result.findings
    var processes = result.processes
    for index in processes.indices {
      processes[index].env = processes[index].env.filter { key, value in
        let keep = NameRules.isValidEnvironmentName(key) && !value.unicodeScalars.contains("\0")
        if !keep {
          findings.append(
            ImportFinding(
              .lost, file: file, line: nil, path: "\(processes[index].name) environment \(key)",
              reason: "cgipool passes only variables named with letters, digits and '_' (not starting with a digit), without NUL"))
        }
        return keep
      }
    }
    return ImportResult(format: result.format, poolName: result.poolName, processes: processes, findings: findings)
  }
}
