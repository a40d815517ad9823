import CgiPoolRuntime
import Foundation
import Testing
import CgiPoolTestSupport

#if canImport(Glibc)
  import Glibc
#endif

/// The private manager's own files: its runtime folder (socket, `manager.json`, log) is a
/// 0700 folder of root's, never reached through a link, and `manager.json` is 0600.
@Suite(.enabled(if: PrivateManagerFixture.enabled))
struct ManagerFolderTests {
  static func info(_ path: String) -> stat? {
    var info = stat()
    return lstat(path, &info) == 0 ? info : nil
  }

  static func scratch() throws -> String {
    let folder = "/tmp/cgipool-i18-folder-\(getpid())-\(String(UInt32.random(in: .min ... .max), radix: 16))"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    return folder
  }

  @Test func runtimeFolderIsPrivateAndTheStateFileTooEvenWhenTheFolderWasLoose() throws {
    try #require(geteuid() == 0, "the private manager needs root")
    let folder = try Self.scratch()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let runtime = folder + "/runtime"
    // A folder left world-writable (by hand, or an old version) is tightened, not trusted as is.
    #expect(mkdir(runtime, 0o777) == 0)
    chmod(runtime, 0o777)
    let manager = PrivateManager(runtimeDirectory: runtime)
    defer { _ = try? manager.stop() }
    _ = try manager.start()
    let folderInfo = try #require(Self.info(runtime))
    #expect(folderInfo.st_mode & S_IFMT == S_IFDIR)
    #expect(folderInfo.st_mode & 0o7777 == 0o700, "mode \(String(folderInfo.st_mode & 0o7777, radix: 8))")
    #expect(folderInfo.st_uid == 0)
    let state = try #require(Self.info(manager.stateFilePath))
    #expect(state.st_mode & S_IFMT == S_IFREG)
    #expect(state.st_mode & 0o7777 == 0o600, "mode \(String(state.st_mode & 0o7777, radix: 8))")
    #expect(state.st_uid == 0)
    // No temporary file is left beside it.
    #expect(!FileManager.default.fileExists(atPath: manager.stateFilePath + ".tmp"))
    // Nothing else in the folder is open to other users. Sockets (the manager's `bus`, made
    // 0666 by whoever binds it) are the exception: the 0700 folder checked above is what keeps
    // other users from reaching them.
    for name in try FileManager.default.contentsOfDirectory(atPath: runtime) {
      let entry = try #require(Self.info(runtime + "/" + name))
      if entry.st_mode & S_IFMT == S_IFSOCK { continue }
      #expect(entry.st_mode & 0o002 == 0, "\(name) is world-writable")
    }
    _ = try manager.stop()
    #expect(!FileManager.default.fileExists(atPath: runtime))
  }

  @Test func aLinkedRuntimeFolderIsRefusedAndItsTargetLeftAlone() throws {
    try #require(geteuid() == 0, "the private manager needs root")
    let folder = try Self.scratch()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let target = folder + "/elsewhere"
    #expect(mkdir(target, 0o755) == 0)
    chmod(target, 0o755)
    let runtime = folder + "/runtime"
    #expect(symlink(target, runtime) == 0)
    let manager = PrivateManager(runtimeDirectory: runtime)
    defer { _ = try? manager.stop() }
    #expect(throws: ManagerError.unsafeFolder(path: runtime, reason: "it is a symbolic link")) { try manager.start() }
    // The link's target is neither made private nor written to, and nothing was started.
    #expect(Self.info(target).map { $0.st_mode & 0o7777 } == 0o755)
    #expect(try FileManager.default.contentsOfDirectory(atPath: target).isEmpty)
    #expect(!FileManager.default.fileExists(atPath: target + "/manager.json"))
  }

  @Test func anotherUsersRuntimeFolderIsRefused() throws {
    try #require(geteuid() == 0, "the private manager needs root")
    let folder = try Self.scratch()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let runtime = folder + "/runtime"
    #expect(mkdir(runtime, 0o700) == 0)
    #expect(chown(runtime, 65534, 65534) == 0)
    let manager = PrivateManager(runtimeDirectory: runtime)
    defer { _ = try? manager.stop() }
    #expect(throws: ManagerError.unsafeFolder(path: runtime, reason: "it is owned by uid 65534, not by uid 0")) {
      try manager.start()
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: runtime).isEmpty)
    #expect(Self.info(runtime)?.st_uid == 65534)
  }

  @Test func aFileWhereTheFolderShouldBeIsRefused() throws {
    try #require(geteuid() == 0, "the private manager needs root")
    let folder = try Self.scratch()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let runtime = folder + "/runtime"
    #expect(FileManager.default.createFile(atPath: runtime, contents: Data("x".utf8)))
    let manager = PrivateManager(runtimeDirectory: runtime)
    #expect(throws: ManagerError.unsafeFolder(path: runtime, reason: "it is not a folder")) { try manager.start() }
    #expect(FileManager.default.contents(atPath: runtime) == Data("x".utf8))
  }
}
