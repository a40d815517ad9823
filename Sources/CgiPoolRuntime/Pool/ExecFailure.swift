import Foundation
import ProcessConfig

/// Why `execve` refused a process's command (systemd's exit status 203, `EXIT_EXEC`).
///
/// systemd's forked child logs its own words ("Failed to execute /x: Exec format error") before
/// it exits with 203. Under journald they are in the unit's journal, and `start` and `status`
/// quote them. A private manager has no journald, and its children reopen `/dev/console`, which
/// must be a terminal, for those words, so they are lost. There cgipool tests the command
/// the way `execve(2)` does and names the first reason it finds.
enum ExecFailure {
  /// systemd's exit status for a failed `execve`.
  static let exitStatus: Int32 = 203

  /// The manager's own line about the failed exec among a unit's journal `messages`, newest last.
  static func managerLine(in messages: [String]) -> String? {
    messages.last { $0.contains("Failed to execute") || $0.contains("Failed at step EXEC") }
  }

  /// The first reason `execve(path, argv, envp)` would fail, in the kernel's words with what
  /// caused it; `nil` when none is found. Follows one `#!` interpreter, as the kernel does.
  static func diagnose(path: String, argv: [String], environment: [String: String]) -> String? {
    for word in argv + environment.map({ $0.key + "=" + $0.value })
    where KernelLimits.stringBytes(word) > KernelLimits.maximumStringBytes {
      return "Argument list too long (a \(word.utf8.count)-byte string; Linux accepts at most \(KernelLimits.maximumStringBytes - 1))"
    }
    if KernelLimits.argumentBytes(argv: argv, environment: environment) > KernelLimits.maximumArgumentBytes {
      return "Argument list too long (arguments and environment exceed \(KernelLimits.maximumArgumentBytes) bytes)"
    }
    if let problem = fileProblem(path, role: "the command") { return problem }
    guard let head = FileHandle(forReadingAtPath: path).flatMap({ try? $0.read(upToCount: 256) }) else {
      return "Permission denied (\(path) cannot be read)"
    }
    let bytes = [UInt8](head)
    if bytes.starts(with: [0x7f, 0x45, 0x4c, 0x46]) { return nil }  // ELF: the loader's problem, not found here
    guard bytes.starts(with: Array("#!".utf8)) else {
      return "Exec format error (\(path) is neither a binary nor a script starting with #!)"
    }
    let line = String(decoding: bytes.dropFirst(2).prefix { $0 != 0x0a }, as: UTF8.self)
    guard let interpreter = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init) else {
      return "Exec format error (\(path) has an empty #! line)"
    }
    if line.hasSuffix("\r") && !line.contains(" ") {
      return "No such file or directory (\(path)'s #! line ends in a carriage return: \(interpreter.debugDescription))"
    }
    return fileProblem(interpreter, role: "its interpreter")
  }

  /// Why `path` cannot be executed (missing, a directory, not executable), in the kernel's words.
  private static func fileProblem(_ path: String, role: String) -> String? {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      return "No such file or directory (\(role) \(path) does not exist)"
    }
    if isDirectory.boolValue { return "Permission denied (\(role) \(path) is a directory)" }
    if !FileManager.default.isExecutableFile(atPath: path) {
      return "Permission denied (\(role) \(path) is not executable)"
    }
    return nil
  }
}
