import ArgumentParser

/// `cgipool generate`: writes artefacts compiled from the config.
struct Generate: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generate",
    abstract: "Generate files from the config.",
    subcommands: [GenerateUnits.self, GenerateManual.self]
  )
}
