/// Makes a config independent of where it lies, for the copy an install keeps.
///
/// The paths a config holds relative to its own folder are each process's `cwd`, `env_file` and
/// `credentials`; the copy gets them absolute (a missing `cwd` becomes the config's folder; an
/// `env_file`'s leading `-` stays), and every other value, number literals included, is kept as written.
public enum ConfigRelocation {
  /// `bytes` (a valid config) with every `processes.*.cwd` made absolute against `baseDirectory`.
  ///
  /// Throws the parse error of invalid JSON; validate the config first for full diagnostics.
  public static func absolutized(_ bytes: [UInt8], baseDirectory: String, file: String) throws(ConfigError) -> String {
    let document: JSONParser.Document
    do {
      document = try JSONParser.parse(bytes)
    } catch {
      throw ConfigError(diagnostics: [ConfigDiagnostic(file: file, path: .root, message: error.description)])
    }
    guard case .object(var root) = document.value else { return document.value.serialized + "\n" }
    for (rootIndex, member) in root.members.enumerated() where member.key == "processes" {
      guard case .object(var processes) = member.value else { continue }
      for (index, process) in processes.members.enumerated() {
        guard case .object(var spec) = process.value else { continue }
        if let at = spec.members.firstIndex(where: { $0.key == "cwd" }) {
          if case .string(let cwd) = spec.members[at].value {
            spec.members[at].value = .string(FilePath.normalize(cwd, relativeTo: baseDirectory))
          }
        } else {
          spec.members.append(JSONObject.Member(key: "cwd", value: .string(FilePath.normalize(".", relativeTo: baseDirectory))))
        }
        for (at, member) in spec.members.enumerated() {
          switch (member.key, member.value) {
          case ("env_file", .string(let written)):
            spec.members[at].value = .string(absolutized(envFile: written, baseDirectory))
          case ("env_file", .array(let elements)):
            spec.members[at].value = .array(elements.map { element in
              guard case .string(let written) = element else { return element }
              return .string(absolutized(envFile: written, baseDirectory))
            })
          case ("credentials", .object(var credentials)):
            for (slot, credential) in credentials.members.enumerated() {
              if case .string(let file) = credential.value {
                credentials.members[slot].value = .string(FilePath.normalize(file, relativeTo: baseDirectory))
              }
            }
            spec.members[at].value = .object(credentials)
          default: continue
          }
        }
        processes.members[index].value = .object(spec)
      }
      root.members[rootIndex].value = .object(processes)
    }
    return JSONValue.object(root).pretty(indent: "") + "\n"
  }

  /// An `env_file` entry made absolute, its leading `-` kept.
  private static func absolutized(envFile written: String, _ baseDirectory: String) -> String {
    let file = EnvironmentFile(written: written)
    guard !file.path.isEmpty else { return written }
    return EnvironmentFile(path: FilePath.normalize(file.path, relativeTo: baseDirectory), isOptional: file.isOptional).written
  }
}

extension JSONValue {
  /// Indented JSON text (two spaces a level), so the installed copy stays readable.
  func pretty(indent: String) -> String {
    let inner = indent + "  "
    switch self {
    case .array(let elements) where !elements.isEmpty:
      return "[\n" + elements.map { inner + $0.pretty(indent: inner) }.joined(separator: ",\n") + "\n" + indent + "]"
    case .object(let object) where !object.members.isEmpty:
      return "{\n"
        + object.members.map { inner + JSONOutput.quoted($0.key) + ": " + $0.value.pretty(indent: inner) }
        .joined(separator: ",\n") + "\n" + indent + "}"
    default: return serialized
    }
  }
}
