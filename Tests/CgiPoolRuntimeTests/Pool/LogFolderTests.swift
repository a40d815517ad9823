import CgiPoolRuntime
import Foundation
import Testing

/// The log folder and files cgipool makes before systemd appends to them: private modes, and
/// nothing done through a symbolic link or in another user's folder.
@Suite struct LogFolderTests {
  final class Scratch {
    let path = NSTemporaryDirectory() + "cgipool-i18-logs-" + UUID().uuidString
    init() throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(atPath: path) }
  }

  static func mode(_ path: String) -> mode_t? {
    var info = stat()
    return lstat(path, &info) == 0 ? info.st_mode & 0o7777 : nil
  }

  @Test func aNewFolderIs0750AndEachFile0640() throws {
    let scratch = try Scratch()
    let folder = scratch.path + "/var/log/cgipool/pool"
    try LogFolder.prepare(folder, processes: ["web", "api"])
    #expect(Self.mode(folder) == 0o750)
    #expect(Self.mode(folder + "/web.log") == 0o640)
    #expect(Self.mode(folder + "/api.log") == 0o640)
    #expect(Self.mode(scratch.path + "/var/log/cgipool") == 0o755, "parents stay traversable")
  }

  @Test func looseModesAreTightenedAndContentKept() throws {
    let scratch = try Scratch()
    let folder = scratch.path + "/logs"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    chmod(folder, 0o777)
    try "earlier lines\n".write(toFile: folder + "/web.log", atomically: false, encoding: .utf8)
    chmod(folder + "/web.log", 0o666)
    try LogFolder.prepare(folder, processes: ["web"])
    #expect(Self.mode(folder) == 0o750)
    #expect(Self.mode(folder + "/web.log") == 0o640)
    #expect(try String(contentsOfFile: folder + "/web.log", encoding: .utf8) == "earlier lines\n")
  }

  @Test func aLinkAtALogFileIsRefusedAndItsTargetUntouched() throws {
    let scratch = try Scratch()
    let folder = scratch.path + "/logs"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let victim = scratch.path + "/victim"
    try "secret\n".write(toFile: victim, atomically: false, encoding: .utf8)
    chmod(victim, 0o600)
    try FileManager.default.createSymbolicLink(atPath: folder + "/web.log", withDestinationPath: victim)
    #expect(throws: LogFolder.Failure.self) { try LogFolder.prepare(folder, processes: ["web"]) }
    do {
      try LogFolder.prepare(folder, processes: ["web"])
    } catch {
      #expect(error.description == "cannot prepare the log file \(folder)/web.log: a symbolic link (refused)")
    }
    #expect(Self.mode(victim) == 0o600)
    #expect(try String(contentsOfFile: victim, encoding: .utf8) == "secret\n")
  }

  @Test func aLinkedFolderIsRefused() throws {
    let scratch = try Scratch()
    try FileManager.default.createDirectory(atPath: scratch.path + "/elsewhere", withIntermediateDirectories: true)
    chmod(scratch.path + "/elsewhere", 0o755)
    try FileManager.default.createSymbolicLink(atPath: scratch.path + "/logs", withDestinationPath: scratch.path + "/elsewhere")
    #expect(throws: LogFolder.Failure.self) { try LogFolder.prepare(scratch.path + "/logs", processes: ["web"]) }
    #expect(Self.mode(scratch.path + "/elsewhere") == 0o755)
    #expect(!FileManager.default.fileExists(atPath: scratch.path + "/elsewhere/web.log"))
  }

  @Test(.enabled(if: geteuid() == 0)) func anotherUsersFolderIsRefused() throws {
    let scratch = try Scratch()
    let folder = scratch.path + "/logs"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    chown(folder, 65534, 65534)
    #expect(throws: LogFolder.Failure.self) { try LogFolder.prepare(folder, processes: ["web"]) }
    #expect(!FileManager.default.fileExists(atPath: folder + "/web.log"))
  }
}
