import CSystemd

#if canImport(Glibc)
import Glibc
#endif

// Every call into libsystemd's sd-journal lives in this file (as CBus.swift does for sd-bus):
// the rest of SystemdBus sees Swift types only, and each C result becomes a `JournalError`
// exactly once, here.

/// The internal namespace holding every `sd_journal_*` call of SystemdBus.
enum CJournal {
  /// Turns a negative sd-journal return value into a `JournalError` naming the C function.
  @inline(__always)
  @discardableResult
  static func check(_ result: Int32, _ function: StaticString) throws(JournalError) -> Int32 {
    if result < 0 {
      throw JournalError(errno: -result, function: "\(function)")
    }
    return result
  }

  /// `sd_journal_open` with `SD_JOURNAL_LOCAL_ONLY` (plus `SD_JOURNAL_SYSTEM` or
  /// `SD_JOURNAL_CURRENT_USER` when `scope` narrows it).
  static func openLocal(scope: Journal.Scope) throws(JournalError) -> OpaquePointer {
    var flags = Int32(SD_JOURNAL_LOCAL_ONLY)
    switch scope {
    case .all: break
    case .system: flags |= Int32(SD_JOURNAL_SYSTEM)
    case .currentUser: flags |= Int32(SD_JOURNAL_CURRENT_USER)
    }
    var journal: OpaquePointer?
    try check(sd_journal_open(&journal, flags), "sd_journal_open")
    return try unwrap(journal, "sd_journal_open")
  }

  /// `sd_journal_open_directory`.
  static func openDirectory(_ path: String) throws(JournalError) -> OpaquePointer {
    var journal: OpaquePointer?
    let result = path.withCString { sd_journal_open_directory(&journal, $0, 0) }
    if result < 0 { throw JournalError(errno: -result, function: "sd_journal_open_directory(\(path))") }
    return try unwrap(journal, "sd_journal_open_directory")
  }

  /// `sd_journal_open_files`.
  static func openFiles(_ paths: [String]) throws(JournalError) -> OpaquePointer {
    // strdup'ed copies give the C array stable pointers for the duration of the call.
    let copies: [UnsafeMutablePointer<CChar>?] = paths.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    var array: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } }
    array.append(nil)
    var journal: OpaquePointer?
    let result = array.withUnsafeMutableBufferPointer { sd_journal_open_files(&journal, $0.baseAddress, 0) }
    if result < 0 { throw JournalError(errno: -result, function: "sd_journal_open_files") }
    return try unwrap(journal, "sd_journal_open_files")
  }

  /// `sd_journal_close`.
  static func close(_ journal: OpaquePointer) {
    sd_journal_close(journal)
  }

  /// `sd_journal_add_match` for `FIELD=value`.
  static func addMatch(_ journal: OpaquePointer, field: String, value: String) throws(JournalError) {
    var bytes = Array("\(field)=\(value)".utf8)
    let result = bytes.withUnsafeMutableBytes { sd_journal_add_match(journal, $0.baseAddress, $0.count) }
    try check(result, "sd_journal_add_match")
  }

  /// `sd_journal_add_disjunction`.
  static func addDisjunction(_ journal: OpaquePointer) throws(JournalError) {
    try check(sd_journal_add_disjunction(journal), "sd_journal_add_disjunction")
  }

  /// `sd_journal_seek_tail`.
  static func seekTail(_ journal: OpaquePointer) throws(JournalError) {
    try check(sd_journal_seek_tail(journal), "sd_journal_seek_tail")
  }

  /// `sd_journal_seek_head`.
  static func seekHead(_ journal: OpaquePointer) throws(JournalError) {
    try check(sd_journal_seek_head(journal), "sd_journal_seek_head")
  }

  /// `sd_journal_previous_skip`: how many entries it actually moved back.
  static func previousSkip(_ journal: OpaquePointer, _ count: UInt64) throws(JournalError) -> Int {
    Int(try check(sd_journal_previous_skip(journal, count), "sd_journal_previous_skip"))
  }

  /// `sd_journal_next`: true when it moved to an entry.
  static func next(_ journal: OpaquePointer) throws(JournalError) -> Bool {
    try check(sd_journal_next(journal), "sd_journal_next") > 0
  }

  /// `sd_journal_get_data` for `field`: the value after `FIELD=`, nil when the entry lacks it.
  static func data(_ journal: OpaquePointer, field: String) throws(JournalError) -> [UInt8]? {
    var pointer: UnsafeRawPointer?
    var length = 0
    let result = field.withCString { sd_journal_get_data(journal, $0, &pointer, &length) }
    if result == -ENOENT { return nil }
    try check(result, "sd_journal_get_data")
    guard let pointer else { return nil }
    let bytes = UnsafeRawBufferPointer(start: pointer, count: length)
    // The data is "FIELD=value"; the prefix is always the field asked for.
    let prefix = field.utf8.count + 1
    return length >= prefix ? Array(bytes[prefix...]) : []
  }

  /// `sd_journal_get_realtime_usec`.
  static func realtime(_ journal: OpaquePointer) throws(JournalError) -> UInt64 {
    var usec: UInt64 = 0
    try check(sd_journal_get_realtime_usec(journal, &usec), "sd_journal_get_realtime_usec")
    return usec
  }

  /// `sd_journal_get_cursor`.
  static func cursor(_ journal: OpaquePointer) throws(JournalError) -> String {
    var text: UnsafeMutablePointer<CChar>?
    try check(sd_journal_get_cursor(journal, &text), "sd_journal_get_cursor")
    defer { free(text) }
    return text.map { String(cString: $0) } ?? ""
  }

  /// `sd_journal_wait`: `nil` timeout waits without limit.
  static func wait(_ journal: OpaquePointer, timeoutMicroseconds: UInt64?) throws(JournalError) -> Int32 {
    try check(sd_journal_wait(journal, timeoutMicroseconds ?? UInt64.max), "sd_journal_wait")
  }

  /// Fails with EINVAL when a C call reported success but returned no handle.
  private static func unwrap(_ pointer: OpaquePointer?, _ function: StaticString) throws(JournalError) -> OpaquePointer {
    guard let pointer else { throw JournalError(errno: EINVAL, function: "\(function)") }
    return pointer
  }
}
