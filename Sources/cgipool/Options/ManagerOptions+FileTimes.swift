import CgiPoolRuntime
import Foundation
import ProcessConfig

#if canImport(Glibc)
  import Glibc
#endif

extension ManagerOptions {
  /// Where `plan` and `apply` read the env files' modification times: on the machine whose
  /// manager they compare with. With `--host` that is the other machine (`stat` over ssh,
  /// bounded by `--connect-timeout`), since the files its processes read are there.
  var modificationTimes: PoolRuntime.ModificationTimes {
    guard let spec = host, let remote = RemoteHost(spec) else { return PoolRuntime.localModificationTimes }
    let timeout = connectTimeout
    return { (paths: [String]) throws(SystemdError) -> [String: UInt64] in
      try Self.remoteModificationTimes(paths, host: remote, connectTimeout: timeout)
    }
  }

  /// Runs `RemoteFileTimes.command` to its end and parses what it printed. stat's own exit
  /// status 1 only says some file was missing (absent from the answer, as locally); ssh's 255
  /// says the host was not reached, and is an error with ssh's words.
  static func remoteModificationTimes(
    _ paths: [String], host: RemoteHost, connectTimeout: Double
  ) throws(SystemdError) -> [String: UInt64] {
    let argv = RemoteFileTimes.command(host: host, paths: paths, connectTimeout: connectTimeout).sshArgv
    let what = "cannot read the env files' modification times on \(host.spec) over ssh"
    guard let ssh = Executable.onPath(argv[0]) else { throw SystemdError(message: "\(what): ssh is not on PATH") }
    let scratch = NSTemporaryDirectory() + "cgipool-stat-" + String(UInt64.random(in: 1 << 40..<1 << 60), radix: 36)
    let (out, err) = (scratch + ".out", scratch + ".err")
    defer {
      unlink(out)
      unlink(err)
    }
    let create = O_WRONLY | O_CREAT | O_EXCL | O_TRUNC | O_NOFOLLOW
    let actions: [ChildProcess.FileAction] = [
      .open(fd: 0, path: "/dev/null", flags: O_RDONLY, mode: 0),
      .open(fd: 1, path: out, flags: create, mode: 0o600), .open(fd: 2, path: err, flags: create, mode: 0o600),
    ]
    let pid: pid_t
    switch ChildProcess.spawn([ssh] + argv.dropFirst(), fileActions: actions) {
    case .failure(let error): throw SystemdError(message: "\(what): \(String(cString: strerror(error.code)))")
    case .success(let child): pid = child
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    guard exit == 0 || exit == 1 else {
      let words = ((try? String(contentsOfFile: err, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
      throw SystemdError(message: "\(what) (exit status \(exit))\(words.isEmpty ? "" : ": " + words)")
    }
    return RemoteFileTimes.parse(Array((FileManager.default.contents(atPath: out)) ?? Data()))
  }
}
