import ProcessConfig
import Yams

/// Reads a `process-compose.yaml` into cgipool processes.
///
/// process-compose runs `command` through its shell (`bash -c` unless `shell` says otherwise), so a
/// command with shell syntax keeps that shell; a plain one becomes its words.
struct ProcessComposeImporter {
  let context: ImportContext
  private var findings: [ImportFinding] = []
  private var names = NameSanitizer()

  init(context: ImportContext) {
    self.context = context
  }

  mutating func importFile(_ text: String) throws(ImportError) -> ImportResult {
    let root: Node
    do {
      guard let node = try Yams.compose(yaml: text) else {
        throw ImportError(file: context.file, message: "the file is empty")
      }
      root = node
    } catch let error as ImportError {
      throw error
    } catch {
      throw ImportError(file: context.file, message: "not valid YAML: \(error)")
    }
    guard case .mapping(let top) = root else {
      throw ImportError(file: context.file, line: root.mark?.line, message: "expected a mapping at the top level")
    }

    var shell = ["bash", "-c"]
    var globalEnvironment: [(String, String)] = []
    var processesNode: Node?
    for (keyNode, value) in top {
      let key = keyNode.string ?? ""
      let line = keyNode.mark?.line
      switch key {
      case "processes": processesNode = value
      case "environment": globalEnvironment = try environment(value, path: key)
      case "shell":
        let command = value["shell_command"]?.string ?? "bash"
        let argument = value["shell_argument"]?.string ?? "-c"
        shell = [command, argument]
        for (inner, _) in mapping(value) {
          let name = inner.string ?? ""
          if name != "shell_command" && name != "shell_argument" {
            note(.note, inner.mark?.line, "shell.\(name)", "only used for elevated processes, which cgipool does not run")
          }
        }
      case "version", "is_tui_disabled", "log_level", "log_format", "log_length", "log_configuration":
        note(.note, line, key, "process-compose's own setting; cgipool needs none")
      case "log_location":
        note(.lost, line, key, "cgipool keeps output in the journal or <log dir>/<process>.log, not in one combined file")
      case "is_strict":
        note(.note, line, key, "cgipool always refuses unknown keys")
      case "disable_env_expansion":
        note(.note, line, key, "cgipool never expands variables in the config; a shell command expands them when it runs")
      case "vars":
        note(.lost, line, key, "template variables ({{.NAME}}) are not expanded: they stay as written")
      case "env_cmds":
        note(.lost, line, key, "environment values computed by commands have no counterpart: set them in env")
      case "extends":
        note(.lost, line, key, "the extended file is not read: import it too and merge the processes")
      default:
        note(.note, line, key, "not a key process-compose documents")
      }
    }
    guard let processesNode, case .mapping(let processMapping) = processesNode else {
      throw ImportError(file: context.file, message: "no processes: mapping")
    }

    // First the names, so depends_on can refer to renamed processes.
    var nameOf: [String: String] = [:]
    for (keyNode, _) in processMapping {
      let original = keyNode.string ?? ""
      let name = names.processName(for: original)
      nameOf[original] = name
      if name != original {
        note(.note, keyNode.mark?.line, "processes.\(original)", "renamed to \"\(name)\" (process names allow letters, digits, '_' and '-')")
      }
    }
    var processes: [ImportedProcess] = []
    var hasHealthCheck: [String: Bool] = [:]
    for (keyNode, value) in processMapping {
      let original = keyNode.string ?? ""
      hasHealthCheck[original] = value["readiness_probe"] != nil || value["liveness_probe"] != nil
    }
    for (index, (keyNode, value)) in processMapping.enumerated() {
      let original = keyNode.string ?? ""
      var process = try importProcess(
        value, original: original, name: nameOf[original]!, shell: shell, nameOf: nameOf,
        hasHealthCheck: hasHealthCheck, line: keyNode.mark?.line)
      process.order = index
      if !globalEnvironment.isEmpty {
        let own = Set(process.env.map(\.0))
        process.env = globalEnvironment.filter { !own.contains($0.0) } + process.env
      }
      processes.append(process)
    }
    return ImportResult(format: .processCompose, poolName: nil, processes: processes, findings: findings)
  }

  // MARK: - Processes

  private mutating func importProcess(
    _ node: Node, original: String, name: String, shell: [String], nameOf: [String: String],
    hasHealthCheck: [String: Bool], line: Int?
  ) throws(ImportError) -> ImportedProcess {
    let base = "processes.\(original)"
    var command: [String]?
    if let entrypoint = node["entrypoint"], case .sequence(let words) = entrypoint {
      command = words.map { $0.string ?? "" }
      if let text = node["command"]?.string {
        command! += [text]
      }
    } else if let text = node["command"]?.string {
      command = ShellWords.argv(forShellLine: text, shell: shell)
    }
    guard let command, !command.isEmpty, !command[0].isEmpty else {
      throw ImportError(file: context.file, line: line, message: "\(base): no command")
    }
    var process = ImportedProcess(name: name, command: command)
    // process-compose does not restart unless told to.
    process.restartPolicy = .no
    for (keyNode, value) in mapping(node) {
      let key = keyNode.string ?? ""
      let path = "\(base).\(key)"
      let line = keyNode.mark?.line
      switch key {
      case "command", "entrypoint":
        continue
      case "working_dir":
        process.cwd = value.string
      case "environment":
        process.env = try environment(value, path: path)
      case "depends_on":
        for (dependencyNode, condition) in mapping(value) {
          let dependency = dependencyNode.string ?? ""
          let conditionText = condition["condition"]?.string ?? "process_started"
          let dependencyPath = "\(path).\(dependency)"
          guard let target = nameOf[dependency] else {
            note(.lost, dependencyNode.mark?.line, dependencyPath, "no process \"\(dependency)\" in this file")
            continue
          }
          switch conditionText {
          case "process_healthy":
            process.dependsOn.append(target)
          case "process_started":
            process.dependsOn.append(target)
            if hasHealthCheck[dependency] == true {
              note(
                .lost, dependencyNode.mark?.line, dependencyPath,
                "condition process_started: cgipool's depends_on waits until \(target)'s health check passes, not just until it started")
            }
          case "process_completed", "process_completed_successfully":
            note(
              .lost, dependencyNode.mark?.line, dependencyPath,
              "condition \(conditionText): cgipool's depends_on waits for a running, healthy process, not for one that ended")
          case "process_log_ready":
            note(.lost, dependencyNode.mark?.line, dependencyPath, "condition process_log_ready: cgipool does not watch output for a line")
          default:
            note(.lost, dependencyNode.mark?.line, dependencyPath, "unknown condition \"\(conditionText)\"")
          }
        }
      case "readiness_probe":
        if let check = probe(value, path: path, cwd: process.cwd) {
          process.healthCheck = check.check
          if let delay = check.initialDelay { process.startupDelay = delay }
        }
      case "liveness_probe":
        continue  // after the loop, so the readiness probe and the policy are known
      case "availability":
        for (inner, innerValue) in mapping(value) {
          let innerKey = inner.string ?? ""
          let innerPath = "\(path).\(innerKey)"
          switch innerKey {
          case "restart":
            switch innerValue.string ?? "" {
            case "always": process.restartPolicy = .always
            case "on_failure": process.restartPolicy = .onFailure
            case "no": process.restartPolicy = .no
            case "exit_on_failure":
              process.restartPolicy = .no
              note(.lost, inner.mark?.line, innerPath, "exit_on_failure stopped all of process-compose; cgipool leaves the pool running")
            default:
              note(.lost, inner.mark?.line, innerPath, "unknown restart policy \"\(innerValue.string ?? "")\"")
            }
          case "backoff_seconds":
            if let seconds = innerValue.float, seconds >= 0, seconds <= 3600 { process.restartDelay = seconds }
          case "max_restarts":
            if (innerValue.int ?? 0) > 0 {
              note(.lost, inner.mark?.line, innerPath, "cgipool gives up after 5 starts in 60 seconds, whatever the count")
            }
          case "exit_on_end", "exit_on_skipped":
            if innerValue.bool == true {
              note(.lost, inner.mark?.line, innerPath, "cgipool does not stop the pool when one process ends")
            }
          default:
            note(.note, inner.mark?.line, innerPath, "not a key process-compose documents")
          }
        }
      case "replicas":
        if let count = value.int, count > 1 {
          if count > 1000 {
            note(.lost, line, path, "\(count) replicas: cgipool runs at most 1000, so one process was imported")
          } else {
            process.replicas = count
            note(
              .note, line, path,
              "imported as \"replicas\": \(count): units <pool>-\(process.name)@1 ... @\(count), PC_REPLICA_NUM kept (0-based) beside CGIPOOL_REPLICA (1-based)")
          }
        }
      case "shutdown":
        for (inner, innerValue) in mapping(value) {
          let innerKey = inner.string ?? ""
          let innerPath = "\(path).\(innerKey)"
          switch innerKey {
          case "timeout_seconds":
            if let seconds = innerValue.float, seconds > 0, seconds <= 3600 { process.stopTimeout = seconds }
          case "signal":
            // process-compose takes the signal's number.
            if let signal = StopSignal(lenient: innerValue.string ?? "") {
              if signal != .term { process.stopSignal = signal }
            } else {
              note(.lost, inner.mark?.line, innerPath, "cgipool cannot stop a process with signal \(innerValue.string ?? ""); it sends SIGTERM")
            }
          case "command":
            note(.lost, inner.mark?.line, innerPath, "cgipool stops a process by signalling it; a stop command is not run")
          case "parent_only":
            if innerValue.bool == true {
              note(.note, inner.mark?.line, innerPath, "cgipool signals the process's whole cgroup, children included")
            }
          default:
            note(.note, inner.mark?.line, innerPath, "not a key process-compose documents")
          }
        }
      case "disabled":
        if value.bool == true {
          note(.lost, line, path, "cgipool starts every process of the pool (start processes by name with cgipool start NAME)")
        }
      case "is_daemon":
        if value.bool == true {
          note(.lost, line, path, "cgipool expects the process to stay in the foreground (systemd Type=exec)")
        }
      case "log_location", "log_configuration":
        note(.lost, line, path, "cgipool keeps output in the journal or <log dir>/<process>.log")
      case "ready_log_line":
        note(.lost, line, path, "cgipool does not watch output for a line; use a health_check")
      case "description", "disable_ansi_colors", "namespace", "is_foreground", "is_tty":
        note(.note, line, path, "process-compose's own setting; cgipool needs none")
      case "is_elevated":
        if value.bool == true {
          note(.lost, line, path, "cgipool runs every process as the manager's user")
        }
      case "launch_timeout_seconds":
        note(.lost, line, path, "cgipool has no launch timeout for daemons")
      case "vars":
        note(.lost, line, path, "template variables ({{.NAME}}) are not expanded: they stay as written")
      default:
        note(.note, line, path, "not a key process-compose documents")
      }
    }
    if let liveness = node["liveness_probe"] {
      let path = "\(base).liveness_probe"
      let line = liveness.mark?.line
      if let check = probe(liveness, path: path, cwd: process.cwd) {
        if var readiness = process.healthCheck {
          if readiness.kind == check.check.kind && readiness.target == check.check.target {
            readiness.interval = check.check.interval
            readiness.failureThreshold = check.check.failureThreshold
            process.healthCheck = readiness
          } else {
            note(.lost, line, path, "cgipool has one health_check: the readiness probe's target is also checked for liveness")
          }
        } else {
          process.healthCheck = check.check
          if let delay = check.initialDelay { process.startupDelay = delay }
          note(.note, line, path, "also used as the readiness check: the process counts as started once it passes")
        }
        if process.restartPolicy != .always {
          note(.lost, line, path, "cgipool checks liveness only for restart_policy always (availability.restart: always)")
        }
      }
    }
    // process-compose numbers its replicas from 0 in PC_REPLICA_NUM; keep that for the program
    // (after the loop: `environment` may come after `replicas`).
    if process.replicas != nil, !process.env.contains(where: { $0.0 == "PC_REPLICA_NUM" }) {
      process.env.append(("PC_REPLICA_NUM", "{replica0}"))
    }
    return process
  }

  /// A probe as a health check; `nil` (with a finding) when it cannot be one.
  private mutating func probe(
    _ node: Node, path: String, cwd: String?
  ) -> (check: HealthCheck, initialDelay: Double?)? {
    var check: HealthCheck?
    var initialDelay: Double?
    var period = 10.0
    var failureThreshold = 3
    for (keyNode, value) in mapping(node) {
      let key = keyNode.string ?? ""
      let innerPath = "\(path).\(key)"
      let line = keyNode.mark?.line
      switch key {
      case "exec":
        guard let command = value["command"]?.string, !command.isEmpty else {
          note(.lost, line, innerPath, "no command")
          continue
        }
        check = HealthCheck(kind: .command, target: command)
        if let directory = value["working_dir"]?.string, directory != (cwd ?? ".") {
          note(.lost, value["working_dir"]?.mark?.line, "\(innerPath).working_dir", "cgipool runs the check in the process's cwd")
        }
      case "http_get":
        let scheme = (value["scheme"]?.string ?? "http").lowercased()
        let host = value["host"]?.string ?? "127.0.0.1"
        let port = value["port"]?.string ?? value["num_port"]?.string
        var pathText = value["path"]?.string ?? "/"
        if !pathText.hasPrefix("/") { pathText = "/" + pathText }
        let hostText = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        let target = "\(scheme)://\(hostText)\(port.map { ":\($0)" } ?? "")\(pathText)"
        if NameRules.isValidHTTPTarget(target) {
          check = HealthCheck(kind: .http, target: target)
        } else {
          note(.lost, line, innerPath, "\(target) is not an http:// or https:// URL cgipool can check")
        }
      case "initial_delay_seconds":
        if let seconds = value.float, seconds >= 0, seconds <= 3600 { initialDelay = seconds }
      case "period_seconds":
        if let seconds = value.float, seconds >= 1 { period = seconds }
      case "failure_threshold":
        if let count = value.int, count >= 1 { failureThreshold = min(count, 100) }
      case "timeout_seconds":
        note(.note, line, innerPath, "cgipool gives each attempt the rest of the check's timeout")
      case "success_threshold":
        if (value.int ?? 1) > 1 {
          note(.lost, line, innerPath, "cgipool counts a check healthy at its first success")
        }
      default:
        note(.note, line, innerPath, "not a key process-compose documents")
      }
    }
    guard var result = check else { return nil }
    // As a readiness probe, process-compose gives up after failure_threshold failed periods; cgipool
    // retries for `timeout`. As a liveness probe, the same period and threshold carry over as they are.
    result.timeout = min(max(period * Double(failureThreshold), 1), 3600)
    if path.hasSuffix("liveness_probe") {
      result.interval = min(max(period, 1), 86400)
      result.failureThreshold = failureThreshold
    }
    return (result, initialDelay)
  }

  // MARK: - Values

  private func mapping(_ node: Node) -> [(Node, Node)] {
    guard case .mapping(let pairs) = node else { return [] }
    return pairs.map { ($0.key, $0.value) }
  }

  /// `["KEY=value", ...]` (or a mapping, which process-compose also reads through YAML).
  private mutating func environment(_ node: Node, path: String) throws(ImportError) -> [(String, String)] {
    var pairs: [(String, String)] = []
    func add(_ key: String, _ value: String, line: Int?) {
      if let existing = pairs.firstIndex(where: { $0.0 == key }) { pairs[existing].1 = value } else { pairs.append((key, value)) }
    }
    switch node {
    case .sequence(let items):
      for item in items {
        let text = item.string ?? ""
        guard let equals = text.firstIndex(of: "=") else {
          note(.lost, item.mark?.line, path, "\"\(text)\" is not KEY=value")
          continue
        }
        add(String(text[..<equals]), String(text[text.index(after: equals)...]), line: item.mark?.line)
      }
    case .mapping(let members):
      for (key, value) in members { add(key.string ?? "", value.string ?? "", line: key.mark?.line) }
    default:
      throw ImportError(file: context.file, line: node.mark?.line, message: "\(path): expected a list of KEY=value")
    }
    return pairs
  }

  private mutating func note(_ severity: ImportFinding.Severity, _ line: Int?, _ path: String, _ reason: String) {
    findings.append(ImportFinding(severity, file: context.file, line: line, path: path, reason: reason))
  }
}
