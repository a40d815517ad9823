import Foundation
import ProcessConfig

/// One process's liveness check, as the pool's health unit receives it.
///
/// The compiler writes each check as one JSON argument of the health unit's `ExecStart=`, so the
/// unit carries everything it checks (unit files and transient units alike) and needs neither the
/// config file nor a cgipool command at run time. `cgipool liveness` parses it back.
public struct LivenessCheck: Sendable, Equatable {
  /// The process's name.
  public var process: String
  /// The process's main unit, killed at the threshold so `Restart=always` restarts it.
  public var unit: String
  /// `port`, `http` or `command` (the config's `health_check.type`).
  public var kind: String
  /// The config's `health_check.target`.
  public var target: String
  /// Seconds between checks (`health_check.interval`).
  public var interval: Double
  /// Seconds one check may take: `min(health_check.timeout, interval)`.
  public var timeout: Double
  /// Consecutive failures before the restart (`health_check.failure_threshold`).
  public var failureThreshold: Int
  /// The process's working directory: a `command` check runs there.
  public var workingDirectory: String
  /// The process's extra environment, sorted by name: a `command` check runs with it.
  public var environment: [(name: String, value: String)]
  /// The process's log file, where its check lines are appended; nil when output goes to the journal.
  public var logFile: String?

  /// Creates a check.
  public init(
    process: String, unit: String, kind: String, target: String, interval: Double, timeout: Double,
    failureThreshold: Int, workingDirectory: String, environment: [(name: String, value: String)], logFile: String?
  ) {
    self.process = process
    self.unit = unit
    self.kind = kind
    self.target = target
    self.interval = interval
    self.timeout = timeout
    self.failureThreshold = failureThreshold
    self.workingDirectory = workingDirectory
    self.environment = environment
    self.logFile = logFile
  }

  public static func == (lhs: LivenessCheck, rhs: LivenessCheck) -> Bool {
    lhs.argument == rhs.argument
  }

  /// The check as one compact JSON object, keys in a fixed order (deterministic output).
  public var argument: String {
    var fields = [
      "\"process\":" + JSONOutput.quoted(process), "\"unit\":" + JSONOutput.quoted(unit), "\"type\":" + JSONOutput.quoted(kind),
      "\"target\":" + JSONOutput.quoted(target), "\"interval\":" + Self.number(interval),
      "\"timeout\":" + Self.number(timeout), "\"failure_threshold\":" + String(failureThreshold),
      "\"cwd\":" + JSONOutput.quoted(workingDirectory),
    ]
    if !environment.isEmpty {
      fields.append("\"env\":[" + environment.map { "[" + JSONOutput.quoted($0.name) + "," + JSONOutput.quoted($0.value) + "]" }.joined(separator: ",") + "]")
    }
    if let logFile { fields.append("\"log\":" + JSONOutput.quoted(logFile)) }
    return "{" + fields.joined(separator: ",") + "}"
  }

  /// Parses an `argument`; nil with the reason when it is not one.
  public static func parse(_ argument: String) -> Result<LivenessCheck, LivenessCheckError> {
    guard let object = try? JSONSerialization.jsonObject(with: Data(argument.utf8)) as? [String: Any] else {
      return .failure(LivenessCheckError("not a JSON object: \(argument.prefix(80))"))
    }
    func string(_ key: String) -> String? { object[key] as? String }
    func double(_ key: String) -> Double? { (object[key] as? NSNumber)?.doubleValue }
    guard let process = string("process"), let unit = string("unit"), let kind = string("type"),
      let target = string("target"), let interval = double("interval"), interval > 0,
      let timeout = double("timeout"), timeout > 0, let threshold = (object["failure_threshold"] as? NSNumber)?.intValue,
      threshold >= 1, let cwd = string("cwd")
    else {
      return .failure(LivenessCheckError("missing or invalid field in \(argument.prefix(120))"))
    }
    var environment: [(name: String, value: String)] = []
    for pair in object["env"] as? [[String]] ?? [] where pair.count == 2 {
      environment.append((pair[0], pair[1]))
    }
    return .success(
      LivenessCheck(
        process: process, unit: unit, kind: kind, target: target, interval: interval, timeout: timeout,
        failureThreshold: threshold, workingDirectory: cwd, environment: environment, logFile: string("log")))
  }

  /// Seconds as the shortest stable decimal (`2`, `0.5`).
  static func number(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
  }
}

/// Why a liveness-check argument could not be read.
public struct LivenessCheckError: Error, Sendable, CustomStringConvertible {
  /// The reason.
  public var description: String
  /// Creates the error.
  public init(_ description: String) { self.description = description }
}
