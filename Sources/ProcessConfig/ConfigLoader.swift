import Foundation

/// Reads and validates `process_config.json`.
public enum ConfigLoader {
  /// The largest config file read; anything bigger is certainly not a config.
  public static let maximumFileSize = 16 << 20

  /// Loads and validates the config file at `file` (relative paths resolve against the current directory).
  ///
  /// Relative `cwd`s resolve against the file's absolute folder. A missing or unreadable
  /// file is one diagnostic at `(root)`.
  public static func load(file: String) throws(ConfigError) -> PoolConfig {
    let bytes: [UInt8]
    switch readFile(file) {
    case .success(let contents): bytes = contents
    case .failure(let problem):
      throw ConfigError(diagnostics: [ConfigDiagnostic(file: file, path: .root, message: problem.message)])
    }
    let absolute = FilePath.normalize(file, relativeTo: FileManager.default.currentDirectoryPath)
    return try parse(bytes, file: file, baseDirectory: FilePath.parent(of: absolute))
  }

  /// Validates config bytes; `file` names them in diagnostics, `baseDirectory` anchors relative `cwd`s.
  ///
  /// Malformed JSON is one diagnostic with its line and column; otherwise every problem
  /// found is reported, sorted by path and then message.
  public static func parse(_ bytes: [UInt8], file: String, baseDirectory: String) throws(ConfigError) -> PoolConfig {
    let document: JSONParser.Document
    do {
      document = try JSONParser.parse(bytes)
    } catch {
      throw ConfigError(diagnostics: [ConfigDiagnostic(file: file, path: .root, message: error.description)])
    }
    return try ConfigValidator.validate(document, file: file, baseDirectory: baseDirectory).get()
  }

  /// Why a file could not be read, in the user's terms.
  private struct ReadProblem: Error {
    var message: String
  }

  /// Reads a whole file with POSIX calls, so a failure can name its errno.
  private static func readFile(_ path: String) -> Result<[UInt8], ReadProblem> {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return .failure(ReadProblem(message: "cannot open the config file: \(errnoText())")) }
    defer { close(descriptor) }
    var contents: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
      let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
      if count < 0 {
        // A signal may interrupt the read; anything else (EISDIR for a folder) is final.
        if errno == EINTR { continue }
        return .failure(ReadProblem(message: "cannot read the config file: \(errnoText())"))
      }
      if count == 0 { return .success(contents) }
      contents.append(contentsOf: chunk[0..<count])
      if contents.count > maximumFileSize {
        return .failure(ReadProblem(message: "the config file is larger than \(maximumFileSize >> 20) MiB"))
      }
    }
  }

  private static func errnoText() -> String {
    String(cString: strerror(errno))
  }
}
