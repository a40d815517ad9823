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
    var pipeEnds: [Int32] = [0, 0]
    guard pipe(&pipeEnds) == 0 else {
      return .failure(ProbeAttempt.Failure(message: "cannot create a pipe: \(String(cString: strerror(errno)))"))
    }
    // Its own process group, so a timeout can kill whatever the shell started. The child
    // needs neither original pipe end once they are duplicated onto stdout and stderr.
    let spawned = ChildProcess.spawn(
      ["/bin/sh", "-c", command], grouping: .newProcessGroup,
      fileActions: [
        .duplicate(pipeEnds[1], onto: 1), .duplicate(pipeEnds[1], onto: 2), .close(pipeEnds[0]), .close(pipeEnds[1]),
      ])
    close(pipeEnds[1])
    defer { close(pipeEnds[0]) }
    let pid: pid_t
    switch spawned {
    case .success(let child): pid = child
    case .failure(let error):
      return .failure(ProbeAttempt.Failure(message: "cannot run /bin/sh: \(String(cString: strerror(error.code)))"))
    }
    var output: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1024)
    let deadline = MonotonicClock.now() + timeout
    var timedOut = false
    while true {
      let remaining = deadline - MonotonicClock.now()
      if remaining <= 0 { timedOut = true; break }
      var poller = pollfd(fd: pipeEnds[0], events: Int16(POLLIN), revents: 0)
      if poll(&poller, 1, Int32(max(1, remaining * 1000))) == 0 { continue }
      let count = chunk.withUnsafeMutableBytes { read(pipeEnds[0], $0.baseAddress, $0.count) }
      if count < 0 && errno == EINTR { continue }
      if count <= 0 { break }
      if output.count < 64 * 1024 { output += chunk[..<count] }
    }
    if timedOut { kill(-pid, SIGKILL) }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let text = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    let shown = text.count > outputLimit ? String(text.suffix(outputLimit)) : text
    let said = shown.isEmpty ? "" : ", output: " + shown.replacingOccurrences(of: "\n", with: " | ")
    if timedOut { return .failure(ProbeAttempt.Failure(message: "still running after \(timeout)s, killed\(said)")) }
    let exited = status & 0x7f == 0
    let code = (status >> 8) & 0xff
    if exited && code == 0 { return .success("exit 0" + said) }
    let how = exited ? "exit \(code)" : "killed by signal \(status & 0x7f)"
    return .failure(ProbeAttempt.Failure(message: how + said))
  }
}
