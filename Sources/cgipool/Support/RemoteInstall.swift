import ArgumentParser
import CgiPoolRuntime
import Foundation
import ProcessConfig

#if canImport(Glibc)
  import Glibc
#endif

/// `install --host` and `uninstall --host`: this binary and its templates are sent to the other
/// machine over ssh (a tar stream into a private folder there), run there with the same command,
/// and removed again. Installing copies the running binary into place, so the remote host needs
/// no cgipool beforehand; the config is read at the same path there, as for `logs --host`.
enum RemoteInstall {
  /// Stages this binary and `templates`, sends them to `spec`, and replaces this process with
  /// `ssh ... <staged cgipool> <arguments>`, which removes the staged copy when it ends.
  static func exec(host spec: String, connectTimeout: Double, arguments: [String]) throws -> Never {
    guard let host = RemoteHost(spec) else {
      throw ValidationError("--host \(spec): \(RemoteHost.problem(spec) ?? "invalid")")
    }
    guard let templates = Executable.defaultTemplatesDirectory() else {
      printError("error: --host \(spec): the unit templates are not found beside this binary (set CGIPOOL_TEMPLATES)")
      throw ExitCode.failure
    }
    let token = String(UInt64.random(in: 1 << 40..<1 << 60), radix: 36)
    let remoteFolder = "/tmp/cgipool-install-" + token
    let stage = NSTemporaryDirectory() + "cgipool-install-" + token
    let archive = stage + ".tar"
    defer {
      try? FileManager.default.removeItem(atPath: stage)
      unlink(archive)
    }
    // The binary and templates/ side by side: the staged binary finds its templates beside it.
    do {
      try FileManager.default.createDirectory(atPath: stage, withIntermediateDirectories: false)
      try FileManager.default.copyItem(atPath: Executable.path, toPath: stage + "/cgipool")
      try FileManager.default.copyItem(atPath: templates, toPath: stage + "/templates")
    } catch {
      printError("error: --host \(spec): cannot stage this binary and its templates: \(error.localizedDescription)")
      throw ExitCode.failure
    }
    try run(["tar", "-cf", archive, "-C", stage, "cgipool", "templates"], what: "packing cgipool for --host \(spec)")
    let unpack = RemoteCommand(
      host: host,
      arguments: ["/bin/sh", "-c", #"umask 077 && mkdir "$1" && tar -C "$1" -xf -"#, "sh", remoteFolder],
      connectTimeout: connectTimeout)
    try run(unpack.sshArgv, stdin: archive, what: "sending cgipool to \(spec)")
    let command = RemoteCommand(
      host: host,
      arguments: ["/bin/sh", "-c", #"d="$1"; shift; "$d/cgipool" "$@"; s=$?; rm -rf "$d"; exit $s"#, "sh", remoteFolder]
        + arguments,
      connectTimeout: connectTimeout)
    let argv = command.sshArgv
    var cArguments = argv.map { strdup($0) } + [nil]
    execvp(argv[0], &cArguments)
    printError("error: cannot run ssh for --host \(spec): \(String(cString: strerror(errno)))")
    throw ExitCode.failure
  }

  /// Runs `argv` (looked up on PATH) to its end, `stdin` from a file; exits 1 with `what` on failure.
  private static func run(_ argv: [String], stdin: String? = nil, what: String) throws {
    guard let program = Executable.onPath(argv[0]) else {
      printError("error: \(what): \(argv[0]) is not on PATH")
      throw ExitCode.failure
    }
    let actions: [ChildProcess.FileAction] = stdin.map { [.open(fd: 0, path: $0, flags: O_RDONLY, mode: 0)] } ?? []
    switch ChildProcess.spawn([program] + argv.dropFirst(), fileActions: actions) {
    case .failure(let error):
      printError("error: \(what): \(String(cString: strerror(error.code)))")
      throw ExitCode.failure
    case .success(let pid):
      var status: Int32 = 0
      while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
      guard status == 0 else {
        printError("error: \(what) failed (\(argv[0]) exit status \((status >> 8) & 0xff))")
        throw ExitCode.failure
      }
    }
  }
}
