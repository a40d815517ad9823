import ProcessConfig

/// Files' modification times on another machine, for `plan --host` and `apply --host`: an env
/// file named in the config lives on the host that runs the process, and the D-Bus transport
/// carries no file system, so GNU `stat` runs there over plain `ssh`.
public enum RemoteFileTimes {
  /// `ssh ... stat -L --printf '%.6Y %n\0' -- PATH...`: one record per file it can read (the
  /// modification time in seconds with six decimals, a space, the path, a NUL). A file it cannot
  /// read prints nothing (and a line on stderr), so the answer is keyed by path, not by position.
  public static func command(host: RemoteHost, paths: [String], connectTimeout: Double) -> RemoteCommand {
    RemoteCommand(host: host, arguments: ["stat", "-L", "--printf", #"%.6Y %n\0"#, "--"] + paths, connectTimeout: connectTimeout)
  }

  /// The times `command`'s output reports, in µs since the epoch, by path. Paths come back
  /// byte for byte as sent (a NUL cannot be in one); a record that does not parse is left out.
  public static func parse(_ output: [UInt8]) -> [String: UInt64] {
    var times: [String: UInt64] = [:]
    for record in output.split(separator: 0, omittingEmptySubsequences: true) {
      guard let space = record.firstIndex(of: UInt8(ascii: " ")) else { continue }
      let stamp = record[record.startIndex..<space]
      let path = String(decoding: record[(space + 1)...], as: UTF8.self)
      guard let micros = microseconds(String(decoding: stamp, as: UTF8.self)), !path.isEmpty else { continue }
      times[path] = micros
    }
    return times
  }

  /// `SECONDS.FRACTION` (at most six decimals) as µs, exactly: no floating point on the way.
  static func microseconds(_ text: String) -> UInt64? {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    let digits = { (part: Substring) in !part.isEmpty && part.allSatisfy { $0.isASCII && $0.isNumber } }
    guard parts.count <= 2, digits(parts[0]), let seconds = UInt64(parts[0]) else { return nil }
    var fraction: UInt64 = 0
    if parts.count == 2 {
      guard digits(parts[1]), parts[1].count <= 6, let value = UInt64(parts[1]) else { return nil }
      fraction = value
      for _ in parts[1].count..<6 { fraction *= 10 }
    }
    return seconds * 1_000_000 + fraction
  }
}
