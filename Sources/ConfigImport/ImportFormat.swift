/// The formats `cgipool import` reads.
public enum ImportFormat: String, Sendable, Equatable, CaseIterable {
  /// supervisord's INI file (`supervisord.conf`, `conf.d/*.conf`).
  case supervisord
  /// process-compose's YAML file (`process-compose.yaml`).
  case processCompose = "process-compose"
  /// A foreman/honcho `Procfile`.
  case procfile

  /// Guesses the format from the file's name, then from its content; `nil` when nothing fits.
  ///
  /// The name decides when it is telling (`Procfile*`, `*.yaml`, `*.conf`, `*.ini`), because a
  /// YAML file and a Procfile both hold `name: value` lines.
  public static func infer(fileName: String, contents: String) -> ImportFormat? {
    let base = fileName.split(separator: "/").last.map(String.init) ?? fileName
    let lower = base.lowercased()
    if lower.hasPrefix("procfile") { return .procfile }
    if lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") { return .processCompose }
    if lower.hasSuffix(".conf") || lower.hasSuffix(".ini") { return .supervisord }
    let lines = contents.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
    if lines.contains(where: { $0.hasPrefix("[program:") || $0 == "[supervisord]" || $0.hasPrefix("[group:") }) {
      return .supervisord
    }
    if lines.contains(where: { $0 == "processes:" || $0.hasPrefix("processes:") }) { return .processCompose }
    let meaningful = lines.filter { !$0.isEmpty && !$0.hasPrefix("#") }
    if !meaningful.isEmpty, meaningful.allSatisfy({ ProcfileImporter.entry(in: $0) != nil }) { return .procfile }
    return nil
  }
}
