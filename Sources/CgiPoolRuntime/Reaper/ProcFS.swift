#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Every C call of the reaper, in one place: `/proc` reads, signals, pidfds, the user database.
enum ProcFS {
  /// Reads `/proc/<pid>/...` files through one directory descriptor and one reusable buffer.
  final class Reader {
    /// The descriptor of `/proc`, for `openat(2)`.
    let procFD: Int32
    /// Scratch space reused by every read; grows for long command lines.
    private(set) var buffer: [UInt8] = Array(repeating: 0, count: 4096)
    /// A NUL-terminated relative path (`1234/stat`) built without allocating.
    private var path: [CChar] = Array(repeating: 0, count: 64)

    /// Opens `/proc` (`open(2)` with `O_DIRECTORY`).
    init() throws(ReaperError) {
      let fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
      guard fd >= 0 else { throw .procUnavailable(errno: errno) }
      procFD = fd
    }

    deinit { close(procFD) }

    /// The PIDs listed in `/proc` (`fdopendir(3)`/`readdir(3)`), in directory order.
    func pids() throws(ReaperError) -> [Int32] {
      let fd = openat(procFD, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
      guard fd >= 0, let dir = fdopendir(fd) else { throw .procUnavailable(errno: errno) }
      defer { closedir(dir) }
      var pids: [Int32] = []
      pids.reserveCapacity(1024)
      while let entry = readdir(dir) {
        let pid = withUnsafeBytes(of: entry.pointee.d_name) { raw -> Int32 in
          var value: Int32 = 0
          for byte in raw {
            if byte == 0 { break }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), value < Int32.max / 10 else { return 0 }
            value = value * 10 + Int32(byte - UInt8(ascii: "0"))
          }
          return value
        }
        if pid > 0 { pids.append(pid) }
      }
      return pids
    }

    /// Reads `/proc/<pid>/<name>` whole into the buffer (`openat(2)`, `read(2)`);
    /// returns its length, or `nil` when it cannot be read (the process is gone or hidden).
    func read(_ pid: Int32, _ name: StaticString) -> Int? {
      setPath(pid, name)
      let fd = path.withUnsafeBufferPointer { openat(procFD, $0.baseAddress!, O_RDONLY | O_CLOEXEC) }
      guard fd >= 0 else { return nil }
      defer { close(fd) }
      var total = 0
      while true {
        if total == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
        let count = buffer.withUnsafeMutableBytes { raw in
          Glibc.read(fd, raw.baseAddress! + total, raw.count - total)
        }
        if count < 0 {
          if errno == EINTR { continue }
          return total > 0 ? total : nil
        }
        total += count
        // A short read means the kernel handed over everything (as procps assumes too).
        if count == 0 || total < buffer.count { return total }
      }
    }

    /// Reads `/proc/<pid>/<name>` as text.
    func readText(_ pid: Int32, _ name: StaticString) -> String? {
      guard let count = read(pid, name) else { return nil }
      return String(decoding: buffer[0..<count], as: UTF8.self)
    }

    /// The target of `/proc/<pid>/exe` (`readlinkat(2)`), without a ` (deleted)` suffix.
    func executable(_ pid: Int32) -> [UInt8]? {
      setPath(pid, "exe")
      var target = [UInt8](repeating: 0, count: 4096)
      let count = path.withUnsafeBufferPointer { p in
        target.withUnsafeMutableBytes { readlinkat(procFD, p.baseAddress!, $0.baseAddress!.assumingMemoryBound(to: CChar.self), $0.count) }
      }
      guard count > 0 else { return nil }
      var result = Array(target[0..<count])
      let deleted = Array(" (deleted)".utf8)
      if result.count > deleted.count, result.suffix(deleted.count).elementsEqual(deleted) {
        result.removeLast(deleted.count)
      }
      return result
    }

    private func setPath(_ pid: Int32, _ name: StaticString) {
      var digits: [CChar] = []
      var value = pid
      repeat {
        digits.append(CChar(UInt8(ascii: "0") + UInt8(value % 10)))
        value /= 10
      } while value > 0
      var index = 0
      for digit in digits.reversed() {
        path[index] = digit
        index += 1
      }
      path[index] = CChar(UInt8(ascii: "/"))
      index += 1
      name.withUTF8Buffer { bytes in
        for byte in bytes {
          path[index] = CChar(bitPattern: byte)
          index += 1
        }
      }
      path[index] = 0
    }
  }

  /// This process's PID (`getpid(2)`).
  static var currentPID: Int32 { getpid() }
  /// This process's parent PID (`getppid(2)`).
  static var parentPID: Int32 { getppid() }
  /// This process's real user ID (`getuid(2)`).
  static var currentUID: UInt32 { getuid() }

  /// The login name of `uid` (`getpwuid_r(3)`), `nil` when there is none.
  static func userName(_ uid: UInt32) -> String? {
    var entry = passwd()
    var result: UnsafeMutablePointer<passwd>?
    var scratch = [CChar](repeating: 0, count: 1024)
    while true {
      let status = getpwuid_r(uid, &entry, &scratch, scratch.count, &result)
      if status == ERANGE, scratch.count < 1 << 20 {
        scratch = [CChar](repeating: 0, count: scratch.count * 4)
        continue
      }
      guard status == 0, result != nil, let name = entry.pw_name else { return nil }
      return String(cString: name)
    }
  }

  /// The text of an errno (`strerror(3)`).
  static func errorMessage(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "errno \(code)" }
    return String(cString: text)
  }

  /// Sends `signal` to `pid` (`kill(2)`); returns the errno on failure.
  static func kill(_ pid: Int32, _ signal: Int32) -> Int32? {
    Glibc.kill(pid, signal) == 0 ? nil : errno
  }

  // pidfd_open/pidfd_send_signal are in glibc 2.36 but not in the Glibc module
  // map, so they are looked up at run time; without them the terminator falls back to kill(2).
  private typealias PidfdOpen = @convention(c) (pid_t, UInt32) -> Int32
  private typealias PidfdSendSignal = @convention(c) (Int32, Int32, UnsafeMutableRawPointer?, UInt32) -> Int32

  private static let pidfdFunctions: (open: PidfdOpen, send: PidfdSendSignal)? = {
    guard let handle = dlopen(nil, RTLD_NOW),
      let open = dlsym(handle, "pidfd_open"),
      let send = dlsym(handle, "pidfd_send_signal")
    else { return nil }
    return (unsafeBitCast(open, to: PidfdOpen.self), unsafeBitCast(send, to: PidfdSendSignal.self))
  }()

  /// A descriptor for `pid` (`pidfd_open(2)`), or `nil` when unsupported or the process is gone.
  static func pidfdOpen(_ pid: Int32) -> Int32? {
    guard let functions = pidfdFunctions else { return nil }
    let fd = functions.open(pid, 0)
    return fd >= 0 ? fd : nil
  }

  /// Sends `signal` through a pidfd (`pidfd_send_signal(2)`); returns the errno on failure.
  static func pidfdSendSignal(_ fd: Int32, _ signal: Int32) -> Int32? {
    guard let functions = pidfdFunctions else { return ENOSYS }
    return functions.send(fd, signal, nil, 0) == 0 ? nil : errno
  }

  /// Waits up to `milliseconds` for any of `fds` to become readable (`poll(2)`);
  /// returns the indices of those that did (a pidfd is readable once its process exits).
  static func pollReadable(_ fds: [Int32], milliseconds: Int32) -> [Int] {
    var entries = fds.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
    let count = poll(&entries, nfds_t(entries.count), milliseconds)
    guard count > 0 else { return [] }
    return entries.indices.filter { entries[$0].revents != 0 }
  }

  /// Closes a descriptor (`close(2)`).
  static func closeDescriptor(_ fd: Int32) {
    close(fd)
  }

  /// Sleeps for `milliseconds` (`usleep(3)`).
  static func sleep(milliseconds: Int) {
    usleep(useconds_t(milliseconds * 1000))
  }

  /// SIGTERM, SIGKILL and SIGCONT, so callers need not import Glibc.
  static let sigterm = SIGTERM
  /// SIGKILL.
  static let sigkill = SIGKILL
  /// SIGCONT.
  static let sigcont = SIGCONT
}

extension ProcFS {
  /// ESRCH: the process does not exist (any more).
  static let noSuchProcess = ESRCH
}
