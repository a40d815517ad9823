import ArgumentParser
import Foundation
import ProcessConfig

/// Shell completion of process names, read from the config the command line names.
///
/// The shell scripts swift-argument-parser generates call back into `cgipool` with the words typed
/// so far; the config is found the way every command finds it (`--config`, `$CGI_POOL_CONFIG`,
/// `ops/process_config.json`). A config that does not load completes nothing rather than erring.
enum ProcessNameCompletion {
  /// The completion kind for process-name arguments.
  static let kind = CompletionKind.custom { words, _, prefix in names(words: words, prefix: prefix) }

  /// The process names of the config `words` point at, starting with `prefix`, sorted.
  static func names(words: [String], prefix: String) -> [String] {
    guard let config = try? ConfigLoader.load(file: configPath(in: words)) else { return [] }
    return config.processNames.filter { $0.hasPrefix(prefix) }
  }

  /// `--config PATH` or `--config=PATH` from the words, else the environment or the default.
  static func configPath(in words: [String]) -> String {
    var path: String?
    for (index, word) in words.enumerated() {
      if word == "--config", index + 1 < words.count {
        path = words[index + 1]
      } else if word.hasPrefix("--config=") {
        path = String(word.dropFirst("--config=".count))
      }
    }
    if let path { return path }
    if let fromEnvironment = ProcessInfo.processInfo.environment[ConfigOptions.environmentVariable], !fromEnvironment.isEmpty {
      return fromEnvironment
    }
    return ConfigOptions.defaultPath
  }
}
