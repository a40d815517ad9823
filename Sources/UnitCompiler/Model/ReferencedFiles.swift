import ProcessConfig

/// The files a config names besides commands and folders: `env_file` and `credentials`.
///
/// systemd reads them itself, at every start; a missing one fails the start (`EnvironmentFile=`
/// without `-`: "Failed to load environment files"; `LoadCredential=`: exit status 243). So they are
/// checked before anything starts, by `check` and by every compile, each problem with its path.
public enum ReferencedFiles {
  /// Every missing or unwritable file of `pool`, in process order.
  public static func problems(_ pool: PoolConfig, fileSystem: any FileSystemInspecting) -> [ConfigDiagnostic] {
    var diagnostics: [ConfigDiagnostic] = []
    // A process on another host reads its files there: this machine cannot check them.
    for name in pool.processes.keys.sorted() where pool.processes[name]!.host == nil {
      let process = pool.processes[name]!
      let path = ConfigPath.root.appending("processes").appending(name)
      func report(_ at: ConfigPath, _ message: String) {
        diagnostics.append(ConfigDiagnostic(file: pool.file, path: at, message: message))
      }
      for (index, file) in process.envFiles.enumerated() {
        // One file is usually written as a plain string: name the key itself then.
        let at = process.envFiles.count == 1 ? path.appending("env_file") : path.appending("env_file").appending(index)
        let absolute = file.resolvedPath(base: pool.baseDirectory)
        if let problem = UnitFileSyntax.unrepresentablePathProblem(absolute) {
          report(at, problem)
        } else if !file.isOptional && !fileSystem.exists(absolute) {
          report(at, "environment file \"\(absolute)\" does not exist (write \"-\(file.path)\" to start without it)")
        } else if !file.isOptional && fileSystem.isDirectory(absolute) {
          report(at, "environment file \"\(absolute)\" is a folder, not a file")
        }
      }
      let credentials = process.resolvedCredentials(base: pool.baseDirectory)
      for credential in credentials.keys.sorted() {
        let at = path.appending("credentials").appending(credential)
        let absolute = credentials[credential]!
        if let problem = UnitFileSyntax.unrepresentablePathProblem(absolute) {
          report(at, problem)
        } else if !fileSystem.exists(absolute) {
          report(at, "credential file \"\(absolute)\" does not exist")
        }
      }
    }
    return diagnostics
  }
}
