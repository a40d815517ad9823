/// Renders `cgipool(1)` in roff (the `man` macros) from the command definitions.
///
/// One page for the whole tool, as `git`-style tools do: a section per command, each option with
/// its help. No date, so the page only changes when the commands do.
enum ManualPage {
  /// The page for `root`, with `extra` sections (environment, exit status, files) after the commands.
  static func render(_ root: CommandHelp, extraSections: [(title: String, body: String)]) -> String {
    let name = root.commandName
    var page = ".TH \(name.uppercased()) 1 \"\" \"\(name)\" \"\(name) manual\"\n"
    page += ".SH NAME\n\(escape(name)) \\- \(escape(root.abstract ?? ""))\n"
    page += ".SH SYNOPSIS\n.B \(escape(name))\n.I command\n[\\fIoptions\\fR]\n.PP\nEvery command takes \\fB\\-h\\fR, \\fB\\-\\-help\\fR.\n"
    if let discussion = root.discussion, !discussion.isEmpty {
      page += ".SH DESCRIPTION\n" + paragraphs(discussion)
    }
    page += ".SH COMMANDS\n"
    for command in visible(root.subcommands) {
      page += section(command, path: [name])
    }
    for extra in extraSections {
      page += ".SH \(escape(extra.title.uppercased()))\n" + paragraphs(extra.body)
    }
    return page
  }

  private static func visible(_ commands: [CommandHelp]?) -> [CommandHelp] {
    (commands ?? []).filter { $0.shouldDisplay != false && $0.commandName != "help" }
  }

  /// One command: `.SS cgipool start [--monitor] [processes ...]`, its help, its options; then its subcommands.
  private static func section(_ command: CommandHelp, path: [String]) -> String {
    let words = path + [command.commandName]
    // `--help` is on every command; the page says so once instead of in every section.
    let arguments = (command.arguments ?? []).filter { argument in
      argument.shouldDisplay != false && !(argument.names ?? []).contains { $0.name == "help" }
    }
    let subcommands = visible(command.subcommands)
    var text = ""
    if subcommands.isEmpty || !arguments.isEmpty {
      let usage = ([words.joined(separator: " ")] + arguments.map(usageWord)).joined(separator: " ")
      text += ".SS \"\(escape(usage))\"\n"
      if let abstract = command.abstract { text += escape(abstract) + "\n" }
      if let discussion = command.discussion, !discussion.isEmpty { text += ".PP\n" + paragraphs(discussion) }
      for argument in arguments {
        text += ".TP\n" + escape(label(argument)) + "\n"
        var help = argument.abstract ?? ""
        if let values = argument.allValues, !values.isEmpty { help += " (one of: \(values.joined(separator: ", ")))" }
        if let value = argument.defaultValue, !value.isEmpty { help += " (default: \(value))" }
        text += escape(help.trimmingCharacters(in: .whitespaces)) + "\n"
        if let discussion = argument.discussion, !discussion.isEmpty { text += escape(discussion) + "\n" }
      }
    }
    for subcommand in subcommands {
      text += section(subcommand, path: words)
    }
    return text
  }

  /// How an argument appears in a usage line: `<file>`, `[--output <path>]`, `[processes ...]`.
  static func usageWord(_ argument: CommandHelp.Argument) -> String {
    var word: String
    if argument.kind == "positional" {
      word = "<\(argument.valueName ?? "value")>"
    } else {
      word = preferredName(argument)
      if argument.kind == "option" { word += " <\(argument.valueName ?? "value")>" }
    }
    if argument.isRepeating == true { word += " ..." }
    return argument.isOptional == true ? "[\(word)]" : word
  }

  /// Every name of an option with its value: `-o, --output <output>`.
  static func label(_ argument: CommandHelp.Argument) -> String {
    if argument.kind == "positional" { return "<\(argument.valueName ?? "value")>" }
    let names = (argument.names ?? []).map(\.spelled).joined(separator: ", ")
    return argument.kind == "option" ? "\(names) <\(argument.valueName ?? "value")>" : names
  }

  private static func preferredName(_ argument: CommandHelp.Argument) -> String {
    let names = argument.names ?? []
    return (names.first { $0.kind == "long" } ?? names.first)?.spelled ?? ""
  }

  /// Text as roff paragraphs: blank lines separate them.
  private static func paragraphs(_ text: String) -> String {
    text.components(separatedBy: "\n\n")
      .map { escape($0.replacingOccurrences(of: "\n", with: " ")) }
      .joined(separator: "\n.PP\n") + "\n"
  }

  /// Escapes text for roff: backslashes, dashes (so they stay ASCII hyphens), and a line
  /// starting with `.` or `'`, which roff would read as a request.
  static func escape(_ text: String) -> String {
    var out = text.replacingOccurrences(of: "\\", with: "\\e").replacingOccurrences(of: "-", with: "\\-")
    out = out.split(separator: "\n", omittingEmptySubsequences: false).map { line in
      line.hasPrefix(".") || line.hasPrefix("'") ? "\\&" + line : String(line)
    }.joined(separator: "\n")
    return out
  }
}
