import Foundation

/// Rates unit files with `systemd-analyze security --offline=true`, the reference for the
/// exposure figures `cgipool check --security` prints.
public struct ExposureAudit: Sendable {
  /// The `systemd-analyze` binary.
  public var analyzer: String

  /// Creates an audit that runs `analyzer` (found on `PATH` by default).
  public init(analyzer: String = "systemd-analyze") {
    self.analyzer = analyzer
  }

  /// Why an audit could not rate the units.
  public struct Failure: Error, Sendable, CustomStringConvertible {
    /// What went wrong, for the user.
    public var description: String
  }

  /// The exposure of every service among `files` (name and text of each unit file), in their order.
  ///
  /// The files are written into a private folder (mode 0700) that is removed afterwards, so the
  /// analyzer reads exactly the units cgipool generates.
  public func rate(_ files: [(name: String, text: String)]) throws(Failure) -> [UnitExposure] {
    let services = files.filter { $0.name.hasSuffix(".service") }
    guard !services.isEmpty else { return [] }
    var template = Array((NSTemporaryDirectory() + "/cgipool-security-XXXXXX").utf8CString)
    guard let folderPointer = mkdtemp(&template) else {
      throw Failure(description: "cannot create a temporary folder: \(String(cString: strerror(errno)))")
    }
    let folder = String(cString: folderPointer)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    for file in files {
      guard FileManager.default.createFile(atPath: folder + "/" + file.name, contents: Data(file.text.utf8)) else {
        throw Failure(description: "cannot write \(folder)/\(file.name)")
      }
    }
    let output = try run(["security", "--offline=true", "--no-pager"] + services.map { folder + "/" + $0.name })
    let figures = Self.parse(output)
    return try services.map { file throws(Failure) in
      guard let figure = figures[file.name] else {
        throw Failure(description: "systemd-analyze did not rate \(file.name):\n\(output)")
      }
      return figure
    }
  }

  /// The `Overall exposure level for NAME: 2.6 OK` lines of the analyzer's output, by unit.
  public static func parse(_ output: String) -> [String: UnitExposure] {
    var figures: [String: UnitExposure] = [:]
    let marker = "Overall exposure level for "
    for line in output.split(separator: "\n") {
      guard let range = line.range(of: marker) else { continue }
      let rest = line[range.upperBound...]
      guard let colon = rest.lastIndex(of: ":") else { continue }
      let unit = String(rest[..<colon])
      let words = rest[rest.index(after: colon)...].split(separator: " ")
      guard words.count >= 2, let level = Double(words[0]) else { continue }
      figures[unit] = UnitExposure(unit: unit, level: level, rating: String(words[1]))
    }
    return figures
  }

  private func run(_ arguments: [String]) throws(Failure) -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [analyzer] + arguments
    var environment = ProcessInfo.processInfo.environment
    environment["SYSTEMD_COLORS"] = "0"
    environment["LC_ALL"] = "C.UTF-8"
    process.environment = environment
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    do {
      try process.run()
    } catch {
      throw Failure(description: "cannot run \(analyzer): \(error.localizedDescription)")
    }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let output = String(decoding: data, as: UTF8.self)
    guard process.terminationStatus == 0 else {
      throw Failure(description: "\(analyzer) security failed (exit status \(process.terminationStatus)):\n\(output)")
    }
    return output
  }
}
