import Foundation

/// What one run of the `cgipool` binary produced.
struct CgiPoolRun: Sendable, Equatable, CustomStringConvertible {
  /// Everything written to standard output.
  var stdout: String
  /// Everything written to standard error.
  var stderr: String
  /// The exit status (or, if a signal ended it, the signal number).
  var status: Int32

  /// A compact account for failure messages.
  var description: String {
    "status \(status)\n--- stdout ---\n\(stdout)--- stderr ---\n\(stderr)"
  }
}

/// Runs the built `cgipool` executable, as the end-to-end tests do.
///
/// The harness does not build: `make test` runs `swift build` first, and a plain
/// `swift test` builds the test targets only. A missing binary is a clear error.
enum CgiPoolBinary {
  /// Why a run could not happen at all.
  struct Failure: Error, CustomStringConvertible {
    /// What went wrong.
    var description: String
  }

  /// The package root, found from this file's path (`Tests/cgipoolTests/Support/`).
  static let packageRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // Support
    .deletingLastPathComponent()  // cgipoolTests
    .deletingLastPathComponent()  // Tests
    .deletingLastPathComponent()

  /// `Tests/cgipoolTests/Fixtures`, the default working directory of a run.
  static let fixtures: URL = packageRoot.appendingPathComponent("Tests/cgipoolTests/Fixtures")

  /// The binary: `$CGIPOOL_BINARY` if set, else `.build/debug/cgipool` under the package root.
  static var executable: URL {
    if let path = ProcessInfo.processInfo.environment["CGIPOOL_BINARY"], !path.isEmpty {
      return URL(fileURLWithPath: path)
    }
    return packageRoot.appendingPathComponent(".build/debug/cgipool")
  }

  /// Runs `cgipool` with `arguments` and waits for it.
  ///
  /// - Parameters:
  ///   - environment: variables set on top of this process's environment, from which every
  ///     `CGI_POOL_*` variable is first removed so the caller's shell cannot leak into a test.
  ///   - currentDirectory: the working directory; `fixtures` by default.
  ///   - timeout: seconds before the child is sent SIGTERM and the run fails.
  static func run(
    _ arguments: [String],
    environment: [String: String] = [:],
    currentDirectory: URL = CgiPoolBinary.fixtures,
    timeout: TimeInterval = 60
  ) throws -> CgiPoolRun {
    let binary = executable
    guard FileManager.default.isExecutableFile(atPath: binary.path) else {
      throw Failure(
        description: "cgipool binary not found at \(binary.path): run `swift build` first (`make test` does), "
          + "or set CGIPOOL_BINARY")
    }
    // Output goes to files rather than pipes, so a chatty child can never block on a full pipe.
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cgipool-e2e-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let stdoutURL = scratch.appendingPathComponent("stdout")
    let stderrURL = scratch.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
    let stdoutHandle = try FileHandle(forWritingTo: stdoutURL)
    let stderrHandle = try FileHandle(forWritingTo: stderrURL)
    defer {
      try? stdoutHandle.close()
      try? stderrHandle.close()
    }

    var childEnvironment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("CGI_POOL_") }
    childEnvironment.merge(environment) { _, new in new }

    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    process.environment = childEnvironment
    process.currentDirectoryURL = currentDirectory
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = stdoutHandle
    process.standardError = stderrHandle
    let finished = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in finished.signal() }
    try process.run()
    if finished.wait(timeout: .now() + timeout) == .timedOut {
      // Stop only the child this run started, by its PID.
      kill(process.processIdentifier, SIGTERM)
      finished.wait()
      throw Failure(description: "cgipool \(arguments.joined(separator: " ")) did not finish within \(timeout) s")
    }
    return CgiPoolRun(
      stdout: String(decoding: try Data(contentsOf: stdoutURL), as: UTF8.self),
      stderr: String(decoding: try Data(contentsOf: stderrURL), as: UTF8.self),
      status: process.terminationStatus
    )
  }
}
