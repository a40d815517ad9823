import ArgumentParser
import ConfigImport
import Foundation
import ProcessConfig

extension ImportFormat: ExpressibleByArgument {}

extension CgiPool {
  /// `cgipool import`: turns a supervisord, process-compose or Procfile file into a process config.
  struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "import",
      abstract: "Convert a supervisord.conf, process-compose.yaml or Procfile into a process config.",
      discussion: """
        Prints the config (or writes it with -o) and lists on stderr every setting that does not \
        carry over exactly, with its file, line and why: "lost" changes how a process runs, \
        "note" does not. Exit status 0 when nothing is lost, 1 when something is (and nothing is \
        written, unless --allow-lossy), 65 when the file cannot be read as that format. The \
        result always passes `cgipool check`.
        """
    )

    @Argument(help: ArgumentHelp("The file to import.", valueName: "file"), completion: .file())
    var file: String

    @Option(help: "The file's format (default: from its name and content).")
    var format: ImportFormat?

    @Option(name: [.customShort("o"), .long], help: "Write the config to this file instead of standard output.")
    var output: String?

    @Option(help: "The pool's name (default: supervisord's [group:x], else cgipool).")
    var name: String?

    @Option(help: "The first PORT a Procfile's processes get, as foreman's -p (default 5000).")
    var port: Int = 5000

    @Flag(help: "Write the config even when some settings are lost.")
    var allowLossy = false

    func validate() throws {
      if let name, !NameRules.isValidPoolName(name) {
        throw ValidationError("invalid pool name \"\(name)\": use letters, digits, '_', '.' or '-'.")
      }
    }

    func run() throws {
      guard let data = FileManager.default.contents(atPath: file) else {
        printError("error: \(file): cannot read the file")
        throw ExitCode(66)
      }
      guard let text = String(data: data, encoding: .utf8) else {
        printError("error: \(file): not UTF-8 text")
        throw ExitCode(65)
      }
      let cwd = FileManager.default.currentDirectoryPath
      let absolute = file.hasPrefix("/") ? file : cwd + "/" + file
      let directory = (absolute as NSString).deletingLastPathComponent
      let context = ImportContext(
        file: file, directory: (directory as NSString).standardizingPath,
        environment: ProcessInfo.processInfo.environment, hostName: ProcessInfo.processInfo.hostName,
        basePort: port)
      let result: ImportResult
      do {
        result = try ConfigImporter.importConfig(text, format: format, context: context)
      } catch {
        printError("error: \(error)")
        throw ExitCode(65)
      }
      for finding in result.findings { printError(finding.description) }

      let json = ConfigWriter.render(result, poolName: name)
      // The result must pass `cgipool check`: validate it as the config it will be.
      let target = output ?? "process_config.json"
      let targetDirectory = ((target.hasPrefix("/") ? target : cwd + "/" + target) as NSString).deletingLastPathComponent
      do {
        _ = try ConfigLoader.parse(Array(json.utf8), file: target, baseDirectory: targetDirectory)
      } catch {
        Diagnostics.report(error, file: target)
        printError("error: the imported config does not validate; nothing written")
        throw ExitCode(65)
      }

      let lost = result.lost.count
      let summary =
        "imported \(result.processes.count) process\(result.processes.count == 1 ? "" : "es") from \(file) "
        + "(\(result.format.rawValue)); \(lost) setting\(lost == 1 ? "" : "s") lost, "
        + "\(result.findings.count - lost) note\(result.findings.count - lost == 1 ? "" : "s")"
      if lost > 0 && !allowLossy {
        printError(summary)
        printError("error: nothing written: \(lost) setting\(lost == 1 ? "" : "s") cannot be carried over (see \"lost:\" above); --allow-lossy writes the config anyway")
        throw ExitCode.failure
      }
      if let output {
        do {
          try Data(json.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
          printError("error: cannot write \(output): \(error.localizedDescription)")
          throw ExitCode.failure
        }
        printError(summary + "; wrote \(output)")
      } else {
        print(json, terminator: "")
        printError(summary)
      }
    }
  }
}
