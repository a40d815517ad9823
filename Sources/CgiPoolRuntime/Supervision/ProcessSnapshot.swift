import Foundation

/// The few `/proc/PID/stat` fields supervision needs, read with Foundation (a handful of
/// processes, unlike the reaper's whole-table scan).
struct ProcessSnapshot: Equatable {
  /// `comm`, the kernel's short name.
  var comm: String
  /// The state letter (`R`, `S`, `T`, `Z`, ...).
  var state: Character
  /// The parent's PID.
  var parentPID: Int32
  /// Start time in clock ticks since boot.
  var startTime: UInt64

  /// Running, sleeping or stopped: not a zombie nor dead.
  var isLive: Bool { state != "Z" && state != "X" }

  /// Reads `/proc/<pid>/stat`; nil when the process is gone.
  static func read(_ pid: Int32) -> ProcessSnapshot? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
      let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")")
    else { return nil }
    let comm = String(text[text.index(after: open)..<close])
    // After ") ": state(3) ppid(4) ... starttime(22): index 0 is field 3.
    let fields = text[text.index(after: close)...].split(separator: " ")
    guard fields.count > 19, let state = fields[0].first, let parent = Int32(fields[1]), let start = UInt64(fields[19]) else {
      return nil
    }
    return ProcessSnapshot(comm: comm, state: state, parentPID: parent, startTime: start)
  }

  /// The command line, NUL-separated words joined by spaces; nil when empty (kernel thread,
  /// or gone).
  static func command(_ pid: Int32) -> String? {
    guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !data.isEmpty else { return nil }
    let words = data.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    return (words.last == "" ? words.dropLast() : words[...]).joined(separator: " ")
  }

  /// Whether `pid` still is the process that started at `startTime` and has not exited.
  static func isSame(_ pid: Int32, startTime: UInt64) -> Bool {
    guard let now = read(pid) else { return false }
    return now.startTime == startTime && now.isLive
  }
}
