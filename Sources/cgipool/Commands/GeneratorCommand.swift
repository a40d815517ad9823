import ArgumentParser
import CgiPoolRuntime
import Foundation
import UnitCompiler

/// `cgipool generator`: the systemd generator (systemd runs it through
/// /etc/systemd/system-generators/cgipool at boot and at every daemon-reload).
struct GeneratorCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generator",
    abstract: "Compile every /etc/cgipool/*.json into units (what systemd runs at boot and daemon-reload).",
    discussion: """
      Writes each pool's unit files into the output folder and wires its target into
      multi-user.target. A config that is invalid yields only a unit that fails with its
      diagnostics (`systemctl --failed`, `journalctl -b`). Asks the manager nothing.
      --dry-run prints what it would write.
      """
  )

  @Argument(help: "systemd's output folders: normal, early, late (only the normal one is used).")
  var folders: [String] = []

  @Flag(help: "Print the files and links it would write instead of writing them.")
  var dryRun = false

  @Option(help: "The folder of the configs.")
  var configDir: String = InstallLayout.generatorConfigDirectory

  func validate() throws {
    if !dryRun && folders.isEmpty { throw ValidationError("give the output folder (systemd passes three), or --dry-run") }
    if folders.count > 3 { throw ValidationError("at most three folders (normal, early, late)") }
  }

  func run() throws {
    let layout = InstallLayout.system
    let templates = InstallLayout.templates(besideBinary: Executable.path)
      .flatMap { FileManager.default.fileExists(atPath: $0 + "/unit.mustache") ? $0 : nil }
      ?? Executable.defaultTemplatesDirectory()
    guard let templates else {
      printError("cgipool generator: no templates beside \(Executable.path)")
      throw ExitCode.failure
    }
    let renderer: UnitFileRenderer
    do {
      renderer = try UnitFileRenderer(templatesDirectory: templates)
    } catch {
      printError("cgipool generator: \(error)")
      throw ExitCode.failure
    }
    var options = CompileOptions(
      probeExecutable: Executable.path,
      // systemd runs generators with a minimal environment: resolve bare commands on the usual PATH.
      searchPath: ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      journalOutput: true)
    options.wantedBy = layout.wantedBy
    let output = PoolGenerator(configDirectory: configDir, layout: layout, options: options, renderer: renderer).generate()
    if dryRun {
      let base = folders.first ?? InstallLayout.generatorOutput
      for (index, file) in output.files.enumerated() {
        if index > 0 { print("") }
        print("### \(base)/\(file.name)")
        print(file.text, terminator: "")
      }
      for link in output.links { print("### \(base)/\(link.name) -> \(link.target)") }
      for line in output.reports { printError(line) }
      return
    }
    // At boot nobody reads stderr; the failing units carry the diagnostics into the journal.
    for line in output.reports { printError("cgipool generator: \(line)") }
    do {
      try PoolGenerator.write(output, to: folders[0])
    } catch {
      printError("cgipool generator: \(error)")
      throw ExitCode.failure
    }
  }
}
