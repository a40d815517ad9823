import Foundation
import Testing

/// The yes/no environment variables of ops/startup.sh and ops/shutdown.sh (issue 13): every
/// documented form in any case is understood, anything else is a usage error (exit 64), never
/// silently ignored. `--print-settings` shows what a run would do without doing it.
@Suite struct OpsEnvironmentTests {
  static let root = CgiPoolBinary.packageRoot.path

  /// Runs `ops/<script> --print-settings` with `variables` set (and every CGI_POOL_* of the
  /// test's own environment removed); returns the exit status and stdout+stderr.
  static func settings(_ script: String, _ variables: [String: String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: root + "/ops/" + script)
    process.arguments = ["--print-settings"]
    process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("CGI_POOL_") }
      .merging(variables) { _, new in new }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }

  static let truthy = ["true", "TRUE", "True", "yes", "YES", "Yes", "on", "ON", "On", "1"]
  static let falsy = ["false", "FALSE", "False", "no", "NO", "No", "off", "OFF", "Off", "0"]
  /// Variable -> (script, the setting it drives).
  static let cases: [(script: String, variable: String, setting: String)] = [
    ("startup.sh", "CGI_POOL_BUILD", "build"), ("startup.sh", "CGI_POOL_CLEANUP", "cleanup"),
    ("shutdown.sh", "CGI_POOL_FORCE", "force"), ("shutdown.sh", "CGI_POOL_CLEANUP", "cleanup"),
  ]

  @Test(arguments: cases.indices)
  func everyFormInAnyCaseIsUnderstood(_ index: Int) throws {
    let (script, variable, setting) = Self.cases[index]
    for (forms, expected) in [(Self.truthy, "1"), (Self.falsy, "0")] {
      for form in forms {
        let run = try Self.settings(script, [variable: form])
        #expect(run.status == 0, "\(script) \(variable)=\(form): \(run.output)")
        #expect(run.output.split(whereSeparator: \.isWhitespace).contains("\(setting)=\(expected)"), "\(script) \(variable)=\(form): \(run.output)")
      }
    }
  }

  @Test(arguments: cases.indices)
  func anythingElseIsAUsageErrorNamingTheVariable(_ index: Int) throws {
    let (script, variable, _) = Self.cases[index]
    for bad in ["2", "y", "n", "enable", "truee", " true", "yes please", "-1", "off!"] {
      let run = try Self.settings(script, [variable: bad])
      #expect(run.status == 64, "\(script) \(variable)=\(bad): \(run.output)")
      #expect(run.output.contains("\(variable)=\(bad) is not a yes/no value"), "\(script) \(variable)=\(bad): \(run.output)")
      #expect(run.output.contains("true/false, yes/no, on/off or 1/0"), "\(run.output)")
    }
  }

  @Test func unsetOrEmptyKeepsTheDefaults() throws {
    for variables in [[:], ["CGI_POOL_BUILD": "", "CGI_POOL_CLEANUP": "", "CGI_POOL_FORCE": ""]] {
      let startup = try Self.settings("startup.sh", variables)
      #expect(startup.status == 0 && startup.output.contains("build=auto cleanup=0"), "\(startup.output)")
      let shutdown = try Self.settings("shutdown.sh", variables)
      #expect(shutdown.status == 0 && shutdown.output.contains("force=0 cleanup=0"), "\(shutdown.output)")
    }
  }
}
