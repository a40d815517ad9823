import ArgumentParser
import CgiPoolRuntime
import ProcessConfig
import Foundation

/// Runs a `cgipool` command on a remote host over `ssh` in place of this process, so its output,
/// exit status and Ctrl+C are the remote command's (`logs -f` keeps streaming).
enum RemoteRunner {
  /// The cgipool binary on remote hosts: `$CGIPOOL_REMOTE_BINARY`, else this binary's own path.
  /// Remote units run it for their health probes; `logs --host` and `cleanup --host` run it too.
  static var remoteBinary: String {
    if let path = ProcessInfo.processInfo.environment["CGIPOOL_REMOTE_BINARY"], !path.isEmpty { return path }
    return Executable.path
  }

  /// The config path as the remote command should read it: absolute, the same path as here.
  static func remoteConfigPath(_ path: String) -> String {
    path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
  }

  /// Replaces this process with `ssh ... cgipool <arguments>`; returns only by throwing.
  static func exec(host spec: String, connectTimeout: Double, arguments: [String]) throws -> Never {
    guard let host = RemoteHost(spec) else {
      throw ValidationError("--host \(spec): \(RemoteHost.problem(spec) ?? "invalid")")
    }
    let command = RemoteCommand(host: host, arguments: [remoteBinary] + arguments, connectTimeout: connectTimeout)
    let argv = command.sshArgv
    var cArguments = argv.map { strdup($0) } + [nil]
    execvp(argv[0], &cArguments)
    let reason = String(cString: strerror(errno))
    printError("error: cannot run ssh for --host \(spec): \(reason)")
    throw ExitCode.failure
  }
}
