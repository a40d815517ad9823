import CgiPoolRuntime
import CgiPoolTestSupport
import Foundation
import ProcessConfig
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `plan --host` reads env files' modification times on the other machine with GNU `stat` over
/// ssh. The remote words run here through a real shell (as sshd's `sh -c` runs them) on files
/// with awkward names, and must give the times this machine's file system reports.
@Suite("Remote file times: stat's records, parsed exactly")
struct RemoteFileTimesTests {
  @Test("The remote stat gives every readable file's time, by path, as the local reading does")
  func remoteStatMatchesTheLocalReading() throws {
    let folder = NSTemporaryDirectory() + "i15-stat-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let names = ["plain.env", "with space.env", "it's.env", "new\nline.env", "$HOME.env", "-dash.env", "ünï.env", "back\\slash.env"]
    var paths: [String] = []
    for (index, name) in names.enumerated() {
      let path = folder + "/" + name
      try "X=\(index)\n".write(toFile: path, atomically: false, encoding: .utf8)
      paths.append(path)
    }
    let missing = folder + "/missing.env"
    let host = try #require(RemoteHost("root@example.org:2222"))
    let command = RemoteFileTimes.command(host: host, paths: paths + [missing], connectTimeout: 3)
    // What ssh hands the remote shell: the words after `--`, quoted once.
    let line = try #require(command.sshArgv.last)
    #expect(command.sshArgv.dropLast().suffix(1) == ["--"])
    let run = try HostCommand.run(["/bin/sh", "-c", line])
    #expect(run.status == 1, "stat reports the missing file with status 1: \(run)")
    let times = RemoteFileTimes.parse(Array(run.stdout.utf8))
    #expect(Set(times.keys) == Set(paths), "\(times.keys.sorted())")
    #expect(times == PoolRuntime.localModificationTimes(paths + [missing]), "\(times)")
  }

  @Test("Records parse to µs without floating point; malformed ones are left out")
  func parsing() {
    let output = Array("1795867429.120776 /a\u{0}1795867430.5 /b c\u{0}17 /d\u{0}x.1 /e\u{0}1.1234567 /f\u{0}1. /g\u{0}nospace\u{0}".utf8)
    #expect(RemoteFileTimes.parse(output) == ["/a": 1_795_867_429_120_776, "/b c": 1_795_867_430_500_000, "/d": 17_000_000])
    #expect(RemoteFileTimes.parse([]) == [:])
  }
}
