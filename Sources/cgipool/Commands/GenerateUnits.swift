import ArgumentParser
import CgiPoolRuntime
import Foundation
import ProcessConfig
import UnitCompiler

/// `cgipool generate units`: compiles the config and writes systemd unit files.
struct GenerateUnits: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "units",
    abstract: "Compile the config into systemd unit files.",
    discussion: """
      Writes one file per unit (the pool's slice and target, a service per process, and the
      pool's health unit when an `always` process has a health check) into
      --output (default build/units). Nothing is written when the config is invalid.
      """
  )

  @OptionGroup var configOptions: ConfigOptions

  @Option(help: "Folder to write the unit files into.")
  var output: String = "build/units"

  @Flag(help: "Print the units to standard output instead of writing files.")
  var stdout = false

  @Flag(help: "Print the transient-unit properties sent over D-Bus instead of unit files.")
  var transient = false

  @Option(help: "Folder of the Mustache templates (default: the checkout's templates/, or $CGIPOOL_TEMPLATES).")
  var templates: String?

  @Option(help: "Absolute path of the cgipool binary that health probes run (default: this binary).")
  var probePath: String?

  @Option(help: "Append each process's output to <dir>/<process>.log.")
  var logDir: String?

  @Option(help: "The systemd version the units are for (254 or newer enables restart backoff).")
  var systemdVersion: Int?

  @Option(name: .customLong("for-host"), help: ArgumentHelp(
    "For a config with hosts: the units of this host only (a name from hosts, or local).", valueName: "name"))
  var forHost: String?

  func validate() throws {
    if stdout && transient == false && output != "build/units" {
      throw ValidationError("--stdout and --output exclude each other.")
    }
  }

  func run() throws {
    var pool = try configOptions.load()
    let plan = HostPlan(pool: pool)
    if plan.isSpread || forHost != nil {
      // One unit set per host: dependencies on other hosts' processes are left out (cgipool
      // start gates them; unit files cannot).
      guard let forHost, plan.hosts.contains(forHost) else {
        throw ValidationError(
          "the config spreads the pool over hosts: choose one with --for-host (\(plan.hosts.joined(separator: ", ")))")
      }
      pool = plan.subPool(for: forHost)
    }
    let options = CompileOptions(
      probeExecutable: probePath ?? Executable.path,
      searchPath: ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
      logDirectory: logDir,
      managerVersion: systemdVersion)
    let compiled: CompiledPool
    do {
      compiled = try UnitCompiler(options: options).compile(pool)
    } catch {
      Diagnostics.report(error, file: configOptions.path)
      throw ExitCode(65)
    }
    if transient {
      print(TransientUnitBuilder.dumpAll(compiled), terminator: "")
      return
    }
    guard let folder = templates ?? Executable.defaultTemplatesDirectory() else {
      printError("error: no templates folder found; pass --templates DIR")
      throw ExitCode.failure
    }
    let files: [(name: String, text: String)]
    do {
      files = try UnitFileRenderer(templatesDirectory: folder).renderAll(compiled, configFile: configOptions.path)
    } catch {
      printError("error: \(error)")
      throw ExitCode.failure
    }
    if stdout {
      for (index, file) in files.enumerated() {
        if index > 0 { print("") }
        print("### \(file.name)")
        print(file.text, terminator: "")
      }
      return
    }
    try UnitFileWriter.write(files, to: output, pool: compiled.poolName)
    print("wrote \(files.count) units to \(output)/")
    for file in files { print("  \(file.name)") }
  }
}
