import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Runs a `command` health check: `/bin/sh -c` in the current directory, exit 0 is healthy.
enum ShellCommand {
  /// The most output kept for the failure message.
  static let outputLimit = 400

  /// Runs `command` once; on failure the message carries its exit status and output.
  static func run(_ command: String, timeout: Double) -> Result<String, ProbeAttempt.Failure> {
    let child: Child
    switch spawn(command) {
    case .success(let started): child = started
    case .failure(let failure): return .failure(failure)
    }
    defer { close(child.output) }
    var output: [UInt8] = []
    let deadline = MonotonicClock.now() + timeout
    var timedOut = false
    while true {
      let remaining = deadline - MonotonicClock.now()
      if remaining <= 0 { timedOut = true; break }
      var poller = pollfd(fd: child.output, events: Int16(POLLIN), revents: 0)
      if poll(&poller, 1, Int32(max(1, remaining * 1000))) == 0 { continue }
      if !readAvailable(child.output, into: &output) { break }
    }
    if timedOut { kill(-child.pid, SIGKILL) }
    var status: Int32 = 0
    while waitpid(child.pid, &status, 0) < 0 && errno == EINTR {}
    return outcome(status: status, output: output, timedOut: timedOut ? timeout : nil)
  }

  /// A started check: its process (leader of its own process group) and the read end of its output.
  struct Child {
    /// The shell's PID, also its process group.
    var pid: pid_t
    /// The read end of the pipe holding its stdout and stderr (non-blocking when asked).
    var output: Int32
  }

  /// Starts `/bin/sh -c command` in `workingDirectory` (default: ours) with `environment` (default:
  /// ours), its stdout and stderr on a pipe, in its own process group.
  static func spawn(
    _ command: String, workingDirectory: String? = nil, environment: [String]? = nil, nonBlocking: Bool = false
  ) -> Result<Child, ProbeAttempt.Failure> {
    var pipeEnds: [Int32] = [0, 0]
    guard pipe(&pipeEnds) == 0 else {
      return .failure(ProbeAttempt.Failure(message: "cannot create a pipe: \(String(cString: strerror(errno)))"))
    }
    // Neither end may leak into other children (the check's own copies are on its stdout and stderr).
    _ = fcntl(pipeEnds[0], F_SETFD, FD_CLOEXEC)
    _ = fcntl(pipeEnds[1], F_SETFD, FD_CLOEXEC)
    if nonBlocking { _ = fcntl(pipeEnds[0], F_SETFL, O_NONBLOCK) }
    // posix_spawn cannot change the folder portably (addchdir_np is a GNU extension Swift does not
    // import): a first shell changes into it and replaces itself with the check's shell.
    let words: [String] =
      workingDirectory.map { ["/bin/sh", "-c", "cd -- \"$1\" && exec /bin/sh -c \"$2\"", "sh", $0, command] }
      ?? ["/bin/sh", "-c", command]
    // Its own process group, so a timeout can kill whatever the shell started.
    let spawned = ChildProcess.spawn(
      words, environment: environment, grouping: .newProcessGroup,
      fileActions: [.duplicate(pipeEnds[1], onto: 1), .duplicate(pipeEnds[1], onto: 2)])
    close(pipeEnds[1])
    switch spawned {
    case .success(let pid):
      return .success(Child(pid: pid, output: pipeEnds[0]))
    case .failure(let error):
      close(pipeEnds[0])
      return .failure(ProbeAttempt.Failure(message: "cannot run /bin/sh: \(String(cString: strerror(error.code)))"))
    }
  }

  /// Reads what `fd` has into `output` (the first 64 KiB are kept); false at end of file or on an error.
  static func readAvailable(_ fd: Int32, into output: inout [UInt8]) -> Bool {
    var chunk = [UInt8](repeating: 0, count: 1024)
    while true {
      let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if count < 0 && errno == EINTR { continue }
      if count < 0 && errno == EAGAIN { return true }
      if count <= 0 { return false }
      if output.count < 64 * 1024 { output += chunk[..<count] }
      if count < chunk.count { return true }
    }
  }

  /// What a finished check means: exit 0 is healthy; the failure carries its status and output.
  /// `timedOut` is the timeout when the check was killed for running too long.
  static func outcome(status: Int32, output: [UInt8], timedOut: Double?) -> Result<String, ProbeAttempt.Failure> {
    let text = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    let shown = text.count > outputLimit ? String(text.suffix(outputLimit)) : text
    let said = shown.isEmpty ? "" : ", output: " + shown.replacingOccurrences(of: "\n", with: " | ")
    if let timedOut { return .failure(ProbeAttempt.Failure(message: "still running after \(timedOut)s, killed\(said)")) }
    let exited = status & 0x7f == 0
    let code = (status >> 8) & 0xff
    if exited && code == 0 { return .success("exit 0" + said) }
    let how = exited ? "exit \(code)" : "killed by signal \(status & 0x7f)"
    return .failure(ProbeAttempt.Failure(message: how + said))
  }
}
