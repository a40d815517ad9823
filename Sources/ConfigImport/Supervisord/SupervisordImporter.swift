import ProcessConfig

/// Reads a `supervisord.conf` into cgipool processes, as supervisord itself would read it.
struct SupervisordImporter {
  let context: ImportContext
  private var findings: [ImportFinding] = []
  private var names = NameSanitizer()

  init(context: ImportContext) {
    self.context = context
  }

  /// Sections that configure supervisord itself, not a process: nothing of the pool is lost.
  static let ownSections: Set<String> = ["supervisord", "supervisorctl", "unix_http_server", "inet_http_server"]

  /// How each `[program:x]` key is handled; keys not listed are unknown to supervisord too.
  static let programKeys: Set<String> = [
    "command", "process_name", "numprocs", "numprocs_start", "priority", "autostart", "startsecs", "startretries",
    "autorestart", "exitcodes", "stopsignal", "stopwaitsecs", "stopasgroup", "killasgroup", "user", "redirect_stderr",
    "stdout_logfile", "stdout_logfile_maxbytes", "stdout_logfile_backups", "stdout_capture_maxbytes",
    "stdout_events_enabled", "stdout_syslog", "stderr_logfile", "stderr_logfile_maxbytes", "stderr_logfile_backups",
    "stderr_capture_maxbytes", "stderr_events_enabled", "stderr_syslog", "environment", "directory", "umask",
    "serverurl",
  ]

  mutating func importFile(_ text: String) throws(ImportError) -> ImportResult {
    let ini: INIFile
    do {
      ini = try INIFile(parsing: text)
    } catch {
      throw ImportError(file: context.file, line: error.line, message: error.message)
    }
    // Which group each program belongs to, and the pool's name.
    var groupOf: [String: String] = [:]
    let groups = ini.sections.filter { $0.name.hasPrefix("group:") }
    for group in groups {
      let groupName = String(group.name.dropFirst("group:".count))
      for program in (group["programs"]?.value ?? "").split(separator: ",") {
        groupOf[program.trimmingCharacters(in: .whitespaces)] = groupName
      }
      for entry in group.entries where entry.key != "programs" {
        let reason =
          entry.key == "priority"
          ? "a group's priority orders whole groups; cgipool starts processes without depends_on in parallel"
          : "not a [group:x] key supervisord knows"
        note(entry.key == "priority" ? .note : .note, entry.line, "[\(group.name)] \(entry.key)", reason)
      }
    }
    var poolName: String?
    if let first = groups.first {
      let groupName = String(first.name.dropFirst("group:".count))
      poolName = NameSanitizer.poolName(for: groupName)
      if poolName != groupName {
        note(.note, first.line, "[\(first.name)]", "the pool is named \(poolName.map { "\"\($0)\"" } ?? "cgipool") (pool names allow letters, digits, '_', '.', '-')")
      }
      for other in groups.dropFirst() {
        note(
          .lost, other.line, "[\(other.name)]",
          "cgipool runs one pool per config: its programs join pool \(poolName ?? "cgipool"); import the group's programs into a config of their own to keep it apart")
      }
    }

    var globalEnvironment: [(String, String)] = []
    var processes: [ImportedProcess] = []
    for section in ini.sections {
      let name = section.name
      if name.hasPrefix("program:") {
        let program = String(name.dropFirst("program:".count))
        if let process = try importProgram(section, named: program, group: groupOf[program]) {
          processes.append(process)
        }
      } else if name.hasPrefix("group:") {
        continue
      } else if name == "supervisord" {
        for entry in section.entries {
          let path = "[supervisord] \(entry.key)"
          switch entry.key {
          case "environment":
            globalEnvironment = try environment(entry, expansions: baseExpansions(), path: path)
          case "user":
            note(.lost, entry.line, path, "supervisord ran its programs as this user; cgipool runs them as the manager's user")
          case "umask", "minfds", "minprocs":
            note(.lost, entry.line, path, "a limit supervisord passed on to its programs; cgipool sets none")
          default:
            note(.note, entry.line, path, "supervisord's own setting; cgipool needs none")
          }
        }
      } else if Self.ownSections.contains(name) || name.hasPrefix("rpcinterface:") || name.hasPrefix("ctlplugin:") {
        note(.note, section.line, "[\(name)]", "supervisord's own settings; cgipool needs none (systemd manages the processes)")
      } else if name == "include" {
        let files = section["files"]?.value ?? ""
        note(.lost, section.line, "[include] files", "included files (\(files)) are not read: import each of them too")
      } else if name.hasPrefix("fcgi-program:") {
        note(.lost, section.line, "[\(name)]", "FastCGI programs (a socket shared by supervisord) have no counterpart in cgipool")
      } else if name.hasPrefix("eventlistener:") {
        note(.lost, section.line, "[\(name)]", "event listeners have no counterpart in cgipool")
      } else {
        note(.note, section.line, "[\(name)]", "not a section supervisord knows")
      }
    }
    // [supervisord] environment= reaches every child; a program's own variables win.
    if !globalEnvironment.isEmpty {
      for index in processes.indices {
        let own = Set(processes[index].env.map(\.0))
        processes[index].env = globalEnvironment.filter { !own.contains($0.0) } + processes[index].env
      }
    }
    for program in groupOf.keys.sorted() where !ini.sections.contains(where: { $0.name == "program:\(program)" }) {
      note(.lost, nil, "[group:\(groupOf[program]!)] programs", "names program \"\(program)\", which has no [program:\(program)] section")
    }
    return ImportResult(format: .supervisord, poolName: poolName, processes: processes, findings: findings)
  }

  // MARK: - Programs

  private mutating func importProgram(
    _ section: INIFile.Section, named program: String, group: String?
  ) throws(ImportError) -> ImportedProcess? {
    let where_ = "[\(section.name)]"
    func path(_ key: String) -> String { "\(where_) \(key)" }
    let numprocs = try integer(section["numprocs"], default: 1, path: path("numprocs"))
    let numprocsStart = try integer(section["numprocs_start"], default: 0, path: path("numprocs_start"))
    var expansions = baseExpansions()
    expansions["program_name"] = .text(program)
    expansions["group_name"] = .text(group ?? program)
    expansions["numprocs"] = .number(numprocs)
    // Copies numbered from 0 or 1 become cgipool replicas: `%(process_num)` is then the
    // instance number placeholder ({replica0} or {replica}); other starts cannot be expressed.
    let asReplicas = numprocs > 1 && (numprocsStart == 0 || numprocsStart == 1)
    expansions["process_num"] = asReplicas ? .replica(zeroBased: numprocsStart == 0) : .number(numprocsStart)

    guard let commandEntry = section["command"] else {
      throw ImportError(file: context.file, line: section.line, message: "\(where_) does not specify a command")
    }
    let commandLine = try expand(commandEntry, expansions, path: path("command"))
    let command: [String]
    do {
      command = try ShellWords.posixSplit(commandLine)
    } catch {
      throw ImportError(file: context.file, line: commandEntry.line, message: "\(path("command")): \(error.message)")
    }
    guard !command.isEmpty else {
      throw ImportError(file: context.file, line: commandEntry.line, message: "\(path("command")) is empty")
    }
    let name = names.processName(for: program)
    if name != program {
      note(.note, section.line, where_, "renamed to \"\(name)\" (process names allow letters, digits, '_' and '-')")
    }
    var process = ImportedProcess(name: name, command: command)
    process.order = 999  // supervisord's default priority
    if asReplicas {
      process.replicas = numprocs
      let placeholder = numprocsStart == 0 ? "{replica0}" : "{replica}"
      note(
        .note, section["numprocs"]?.line, path("numprocs"),
        "\(numprocs) copies: imported as \"replicas\": \(numprocs), with %(process_num) as \(placeholder) (units <pool>-\(name)@1 ... @\(numprocs))")
    } else if numprocs > 1 {
      let usesNumber = PercentExpansion.names(in: commandEntry.value).contains("process_num")
      note(
        .lost, section["numprocs"]?.line, path("numprocs"),
        "\(numprocs) copies numbered from \(numprocsStart): cgipool's replicas count from 0 or 1 ({replica0}, {replica}), so one process was imported"
          + (usesNumber ? " with process_num \(numprocsStart)" : ""))
    }

    for entry in section.entries {
      let key = entry.key
      let here = path(key)
      switch key {
      case "command", "numprocs", "numprocs_start":
        continue
      case "process_name":
        let expanded = try expand(entry, expansions, path: here)
        if expanded != program {
          note(.note, entry.line, here, "the process is named after the program, \"\(name)\", not \"\(expanded)\"")
        }
      case "priority":
        process.order = try integer(entry, default: 999, path: here)
        note(
          .note, entry.line, here,
          "sets only the process's place in the config: cgipool starts processes without depends_on in parallel (add depends_on for an order that waits)")
      case "autostart":
        if try boolean(entry, path: here) == false {
          note(.lost, entry.line, here, "cgipool starts every process of the pool (start processes by name with cgipool start NAME)")
        }
      case "startsecs":
        // The same rule as settle_time: seconds a process must stay up to count as started.
        let seconds = try integer(entry, default: 1, path: here)
        if seconds > 3600 {
          note(.lost, entry.line, here, "settle_time is at most 3600 seconds; the default of 1 second is used")
        } else if Double(seconds) != ProcessSpec.defaultSettleTime {
          process.settleTime = Double(seconds)
        }
      case "startretries":
        note(.lost, entry.line, here, "cgipool gives up after 5 starts in 60 seconds, whatever the count")
      case "autorestart":
        switch entry.value.lowercased() {
        case "unexpected": process.restartPolicy = .onFailure
        case "true", "yes", "on", "1": process.restartPolicy = .always
        case "false", "no", "off", "0": process.restartPolicy = .no
        default:
          throw ImportError(file: context.file, line: entry.line, message: "\(here): invalid value \"\(entry.value)\" (true, false or unexpected)")
        }
      case "exitcodes":
        let codes = entry.value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if codes != ["0"] {
          note(.lost, entry.line, here, "cgipool treats only exit status 0 as expected (restart_policy on-failure restarts on any other)")
        }
      case "stopsignal":
        // supervisord takes TERM, HUP, INT, QUIT, KILL, USR1, USR2 (any case, SIG prefix optional).
        if let signal = StopSignal(lenient: entry.value.trimmingCharacters(in: .whitespaces)) {
          if signal != .term { process.stopSignal = signal }
        } else {
          note(.lost, entry.line, here, "cgipool cannot stop a process with \(entry.value); it sends SIGTERM")
        }
      case "stopwaitsecs":
        let seconds = try integer(entry, default: 10, path: here)
        if seconds > 0 {
          process.stopTimeout = Double(seconds)
        } else {
          note(.lost, entry.line, here, "cgipool needs a stop_timeout above 0; the default of 10 seconds is used")
        }
      case "stopasgroup", "killasgroup":
        if try boolean(entry, path: here) == false {
          note(.note, entry.line, here, "cgipool signals the process's whole cgroup, children included")
        }
      case "user":
        note(.lost, entry.line, here, "cgipool runs every process as the manager's user; there is no per-process user")
      case "redirect_stderr":
        if try boolean(entry, path: here) == false {
          note(.note, entry.line, here, "cgipool keeps stdout and stderr in the same log (cgipool logs NAME)")
        }
      case "stdout_logfile", "stderr_logfile":
        if !["auto", "none", "off"].contains(entry.value.lowercased()) {
          note(.lost, entry.line, here, "cgipool keeps output in the journal or <log dir>/<process>.log, not in \(entry.value)")
        } else {
          note(.note, entry.line, here, "cgipool keeps output in the journal or <log dir>/<process>.log")
        }
      case "stdout_syslog", "stderr_syslog":
        if try boolean(entry, path: here) {
          note(.lost, entry.line, here, "output is not sent to syslog (under a system manager it is in the journal)")
        }
      case "stdout_logfile_maxbytes", "stdout_logfile_backups", "stderr_logfile_maxbytes", "stderr_logfile_backups":
        note(.lost, entry.line, here, "cgipool does not rotate logs (journald or logrotate does)")
      case "stdout_capture_maxbytes", "stderr_capture_maxbytes", "stdout_events_enabled", "stderr_events_enabled":
        note(.lost, entry.line, here, "supervisord's event notifications have no counterpart in cgipool")
      case "environment":
        process.env = try environment(entry, expansions: expansions, path: here)
        if numprocs > 1, !asReplicas, PercentExpansion.names(in: entry.value).contains("process_num") {
          note(.lost, entry.line, here, "uses process_num: imported with process_num \(numprocsStart) only")
        }
      case "directory":
        process.cwd = try expand(entry, expansions, path: here)
      case "umask":
        note(.lost, entry.line, here, "cgipool sets no umask (systemd's default 0022 applies)")
      case "serverurl":
        note(.note, entry.line, here, "only for programs that talk to supervisord's XML-RPC interface")
      default:
        note(.note, entry.line, here, "not a [program:x] key supervisord knows; supervisord ignores it too")
      }
    }
    return process
  }

  // MARK: - Values

  private func baseExpansions() -> [String: PercentExpansion.Value] {
    var expansions: [String: PercentExpansion.Value] = ["here": .text(context.directory), "host_node_name": .text(context.hostName)]
    for (key, value) in context.environment { expansions["ENV_\(key)"] = .text(value) }
    return expansions
  }

  private func expand(
    _ entry: INIFile.Entry, _ expansions: [String: PercentExpansion.Value], path: String
  ) throws(ImportError) -> String {
    do {
      return try PercentExpansion.expand(entry.value, expansions)
    } catch {
      throw ImportError(file: context.file, line: entry.line, message: "\(path): \(error.message)")
    }
  }

  private func environment(
    _ entry: INIFile.Entry, expansions: [String: PercentExpansion.Value], path: String
  ) throws(ImportError) -> [(String, String)] {
    let text = try expand(entry, expansions, path: path)
    do {
      return try SupervisordEnvironment.parse(text)
    } catch {
      throw ImportError(file: context.file, line: entry.line, message: "\(path): \(error.message)")
    }
  }

  private func integer(_ entry: INIFile.Entry?, default fallback: Int, path: String) throws(ImportError) -> Int {
    guard let entry else { return fallback }
    let text = try expand(entry, baseExpansions(), path: path)
    guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
      throw ImportError(file: context.file, line: entry.line, message: "\(path): \"\(text)\" is not an integer")
    }
    return value
  }

  private func boolean(_ entry: INIFile.Entry, path: String) throws(ImportError) -> Bool {
    switch entry.value.lowercased() {
    case "true", "yes", "on", "1": return true
    case "false", "no", "off", "0": return false
    default:
      throw ImportError(file: context.file, line: entry.line, message: "\(path): \"\(entry.value)\" is not a boolean")
    }
  }

  private mutating func note(_ severity: ImportFinding.Severity, _ line: Int?, _ path: String, _ reason: String) {
    findings.append(ImportFinding(severity, file: context.file, line: line, path: path, reason: reason))
  }
}
