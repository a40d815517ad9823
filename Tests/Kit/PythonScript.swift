import Foundation

/// Runs a Python reference script for the parity tests: the request goes to its stdin as JSON,
/// and its stdout comes back as bytes.
///
/// One place for the tests that hold cgipool against Python's own libraries (`shlex`,
/// `jsonschema`, ...).
public enum PythonScript {
  /// Runs `python3 -c script` with `request` serialized as JSON on stdin; returns its stdout.
  public static func run(_ script: String, request: Any) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    input.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: request))
    try input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return data
  }
}
