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
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
    posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 2)
    // The child needs neither original end once they are duplicated onto stdout and stderr.
    posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
    posix_spawn_file_actions_addclose(&actions, pipeEnds[1])
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    // Its own process group, so a timeout can kill whatever the shell started; default
    // signal handling and no blocked signals, whatever the calling thread had.
    var all = sigset_t()
    sigfillset(&all)
    var none = sigset_t()
    sigemptyset(&none)
    posix_spawnattr_setsigdefault(&attributes, &all)
    posix_spawnattr_setsigmask(&attributes, &none)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
    posix_spawnattr_setpgroup(&attributes, 0)
    var pid: pid_t = 0
    let words: [String] = ["/bin/sh", "-c", command]
    let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    let spawned = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, environ)
    close(pipeEnds[1])
    defer { close(pipeEnds[0]) }
    guard spawned == 0 else {
      return .failure(ProbeAttempt.Failure(message: "cannot run /bin/sh: \(String(cString: strerror(spawned)))"))
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
