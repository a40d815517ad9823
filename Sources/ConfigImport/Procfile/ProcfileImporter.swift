/// Reads a foreman/honcho `Procfile` (`name: command` lines) into cgipool processes.
///
/// As foreman does: each process gets `PORT` = base + 100 × its position (5000, 5100, ...), and a
/// command with shell syntax runs through `/bin/sh -c` (Ruby's `Process.spawn` rule); a plain
/// command becomes its words.
struct ProcfileImporter {
  let context: ImportContext
  private var names = NameSanitizer()

  init(context: ImportContext) {
    self.context = context
  }

  /// The `(name, command)` of a Procfile line, by foreman's pattern `^([A-Za-z0-9_-]+):\s*(.+)$`.
  static func entry(in line: String) -> (name: String, command: String)? {
    guard let colon = line.firstIndex(of: ":") else { return nil }
    let name = line[..<colon]
    guard !name.isEmpty, name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") })
    else { return nil }
    let command = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
    guard !command.isEmpty else { return nil }
    return (String(name), String(command))
  }

  mutating func importFile(_ text: String) throws(ImportError) -> ImportResult {
    var processes: [ImportedProcess] = []
    var findings: [ImportFinding] = []
    for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      var line = String(rawLine)
      if line.hasSuffix("\r") { line.removeLast() }
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
      guard let entry = Self.entry(in: line) else {
        findings.append(
          ImportFinding(
            .lost, file: context.file, line: offset + 1, path: trimmed,
            reason: "not a \"name: command\" line; foreman skips it too"))
        continue
      }
      let name = names.processName(for: entry.name)
      var process = ImportedProcess(name: name, command: ShellWords.argv(forShellLine: entry.command, shell: ["/bin/sh", "-c"]))
      process.env = [("PORT", String(context.basePort + 100 * processes.count))]
      process.order = processes.count
      // foreman does not restart a process; it stops them all when one ends (cgipool leaves the rest running).
      process.restartPolicy = .no
      processes.append(process)
    }
    guard !processes.isEmpty else {
      throw ImportError(file: context.file, message: "no \"name: command\" lines")
    }
    findings.append(
      ImportFinding(
        .note, file: context.file, line: nil, path: "(all)",
        reason: "foreman stops every process when one ends; cgipool keeps the others running (restart_policy no)"))
    return ImportResult(format: .procfile, poolName: nil, processes: processes, findings: findings)
  }
}
