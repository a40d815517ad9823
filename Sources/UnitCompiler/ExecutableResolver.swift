import ProcessConfig

/// Resolves `command[0]` to the absolute path systemd must execute.
struct ExecutableResolver {
  /// Why a command could not be resolved, in the user's terms.
  struct Problem: Error {
    var message: String
  }

  var fileSystem: any FileSystemInspecting
  var searchPath: String

  /// An absolute path as is; a path with a `/` against the working directory; a bare name through `PATH`.
  func resolve(_ command: String, workingDirectory: String) -> Result<String, Problem> {
    if command.hasPrefix("/") {
      return fileSystem.isExecutableFile(command)
        ? .success(command) : .failure(Problem(message: "\"\(command)\" is not an executable file"))
    }
    if command.contains("/") {
      let candidate = FilePath.normalize(command, relativeTo: workingDirectory)
      return fileSystem.isExecutableFile(candidate)
        ? .success(candidate)
        : .failure(Problem(message: "\"\(command)\" is not an executable file in \(workingDirectory)"))
    }
    // A bare name is looked up in the working directory first, as the original
    // supervisor's shell did for scripts shipped beside the config.
    let local = FilePath.normalize(command, relativeTo: workingDirectory)
    if fileSystem.isExecutableFile(local) { return .success(local) }
    for folder in searchPath.split(separator: ":") where !folder.isEmpty {
      let candidate = FilePath.normalize(command, relativeTo: String(folder))
      if fileSystem.isExecutableFile(candidate) { return .success(candidate) }
    }
    return .failure(
      Problem(message: "cannot find executable \"\(command)\" in \(workingDirectory) or PATH (\(searchPath))"))
  }
}
