import CgiPoolTestSupport
import Foundation
import Testing

/// Run as another user, `start` says why it cannot and leaves nothing behind: no private manager
/// folder, no log folder, no state in the user's home.
@Suite(.enabled(if: geteuid() == 0 || ProcessInfo.processInfo.environment["CI"] == "true"))
struct NonRootTests {
  @Test func startAsNobodyIsAClearErrorAndMakesNothing() throws {
    #expect(geteuid() == 0, "the test switches to nobody, which needs root")
    let folder = NSTemporaryDirectory() + "cgipool-i18-nobody-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    chmod(folder, 0o755)
    let pool = "i18-nobody-\(getpid())"
    try #"{"name": "\#(pool)", "processes": {"p": {"command": ["sleep", "100"]}}}"#
      .write(toFile: folder + "/pool.json", atomically: true, encoding: .utf8)
    chmod(folder + "/pool.json", 0o644)
    let home = folder + "/home"
    // A copy nobody can run wherever the checkout lives (CI may check out under a private folder).
    let binary = folder + "/cgipool"
    // Copied by cp, not in this process: a copy's write descriptor inherited by a child another
    // test spawns meanwhile would make the exec fail with ETXTBSY ("Text file busy").
    let copy = try HostCommand.run(["/bin/cp", CgiPoolBinary.executable.path, binary])
    #expect(copy.status == 0, "\(copy)")
    chmod(binary, 0o755)
    var (status, stderr): (Int32, String) = (0, "")
    for _ in 0..<5 {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
      process.arguments = [
        "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/env", "-i", "HOME=\(home)", "PATH=/usr/bin:/bin",
        binary, "start", "--config", folder + "/pool.json",
      ]
      let errors = Pipe()
      process.standardError = errors
      process.standardOutput = FileHandle.nullDevice
      try process.run()
      stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      process.waitUntilExit()
      status = process.terminationStatus
      // Still busy in spite of that (a descriptor of another process's copy): try again shortly.
      guard status == 126 && stderr.contains("Text file busy") else { break }
      usleep(200_000)
    }
    #expect(status == 1, "\(stderr)")
    #expect(stderr.contains("needs root"), "\(stderr)")
    #expect(!FileManager.default.fileExists(atPath: "/run/cgipool/\(pool)"))
    #expect(!FileManager.default.fileExists(atPath: home), "nothing in the user's home")
    #expect(!FileManager.default.fileExists(atPath: "/var/log/cgipool/\(pool)"))
  }
}
