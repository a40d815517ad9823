import ArgumentParser
import Foundation
import ProcessConfig

extension CgiPool {
  /// `cgipool schema`: prints the JSON Schema of the config, generated from the validator's keys.
  struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "schema",
      abstract: "Print the JSON Schema of process_config.json.",
      discussion: """
        The schema comes from the same key definitions as `cgipool check`, with descriptions, \
        defaults and allowed values. Point "$schema" in a config at it so editors validate and \
        complete the file. The repository keeps a copy in \(ConfigSchema.repositoryPath).
        """
    )

    @Option(name: [.customShort("o"), .long], help: "Write the schema to this file instead of standard output.")
    var output: String?

    func run() throws {
      let text = ConfigSchema.text()
      guard let output else {
        print(text, terminator: "")
        return
      }
      do {
        try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
      } catch {
        printError("error: cannot write \(output): \(error.localizedDescription)")
        throw ExitCode.failure
      }
    }
  }
}
