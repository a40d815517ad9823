/// The fields of `/proc/PID/stat` the reaper needs.
struct ProcStat: Sendable, Equatable {
  /// The kernel's `PF_KTHREAD` flag (field 9).
  static let kernelThreadFlag: UInt64 = 0x0020_0000

  /// The process ID (field 1).
  var pid: Int32
  /// The executable's name as the kernel keeps it, at most 15 bytes (field 2).
  var comm: [UInt8]
  /// The state letter: `R`, `S`, `D`, `Z`, ... (field 3).
  var state: UInt8
  /// The parent PID (field 4).
  var ppid: Int32
  /// The process group ID (field 5).
  var processGroup: Int32
  /// The session ID (field 6).
  var session: Int32
  /// The kernel flags (field 9).
  var flags: UInt64
  /// The start time in clock ticks after boot (field 22).
  var startTime: UInt64

  /// Whether the process is a kernel thread.
  var isKernelThread: Bool { flags & Self.kernelThreadFlag != 0 }
  /// Whether the process has exited (a zombie or dead task counts as gone).
  var hasExited: Bool { state == UInt8(ascii: "Z") || state == UInt8(ascii: "X") || state == UInt8(ascii: "x") }

  /// Parses the contents of a stat file; `nil` when malformed.
  init?(_ text: ArraySlice<UInt8>) {
    // comm may contain spaces and parentheses, so it ends at the *last* ')'.
    guard let open = text.firstIndex(of: UInt8(ascii: "(")),
      let close = text.lastIndex(of: UInt8(ascii: ")")), open < close
    else { return nil }
    pid = Self.integer(text[text.startIndex..<open].filter { $0 != UInt8(ascii: " ") }[...]).map { Int32(truncatingIfNeeded: $0) } ?? 0
    comm = Array(text[(open + 1)..<close])
    // Fields 3... follow ") "; starttime is field 22, the 20th of them.
    var fields: [ArraySlice<UInt8>] = []
    fields.reserveCapacity(20)
    var start = close + 2
    var index = start
    while index < text.endIndex, fields.count < 20 {
      if text[index] == UInt8(ascii: " ") || text[index] == UInt8(ascii: "\n") {
        fields.append(text[start..<index])
        start = index + 1
      }
      index += 1
    }
    if fields.count < 20, start < text.endIndex { fields.append(text[start..<text.endIndex]) }
    guard fields.count == 20, let stateByte = fields[0].first,
      let ppid = Self.integer(fields[1]), let group = Self.integer(fields[2]),
      let session = Self.integer(fields[3]), let flags = Self.integer(fields[6]),
      let startTime = Self.integer(fields[19])
    else { return nil }
    state = stateByte
    self.ppid = Int32(truncatingIfNeeded: ppid)
    processGroup = Int32(truncatingIfNeeded: group)
    self.session = Int32(truncatingIfNeeded: session)
    self.flags = flags
    self.startTime = startTime
  }

  /// Parses a non-negative decimal (negative fields such as tty_nr are never asked for).
  private static func integer(_ digits: ArraySlice<UInt8>) -> UInt64? {
    guard !digits.isEmpty else { return nil }
    var value: UInt64 = 0
    for byte in digits {
      guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
      value = value &* 10 &+ UInt64(byte - UInt8(ascii: "0"))
    }
    return value
  }
}
