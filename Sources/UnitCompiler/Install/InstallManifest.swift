/// What one `cgipool install` wrote, so `cgipool uninstall` removes exactly that.
///
/// Stored as text, one entry a line, fields separated by tabs (paths may hold spaces, never a
/// tab or a newline: such paths are refused before anything is written).
public struct InstallManifest: Sendable, Equatable {
  /// What the manifest covers.
  public enum Subject: Sendable, Equatable {
    /// A pool installed as unit files.
    case pool(String)
    /// The binary, its link and the templates, shared by every installed pool.
    case binary
    /// The system generator.
    case generator
  }

  /// One thing install did, in the order it did it.
  public enum Entry: Sendable, Equatable {
    /// A folder it created (removed again when empty).
    case directory(String)
    /// A file it wrote.
    case file(String)
    /// A symbolic link it made: path, target.
    case link(String, String)
    /// A unit it enabled (disabled again).
    case enabled(String)
  }

  /// What the manifest covers.
  public var subject: Subject
  /// The manager scope.
  public var scope: InstallLayout.Scope
  /// The config the install was made from, as given (pools only).
  public var source: String?
  /// What was done, in order.
  public var entries: [Entry]

  /// Creates a manifest.
  public init(subject: Subject, scope: InstallLayout.Scope, source: String? = nil, entries: [Entry] = []) {
    self.subject = subject
    self.scope = scope
    self.source = source
    self.entries = entries
  }

  /// Every path it wrote or created (files, links, folders), in order.
  public var paths: [String] {
    entries.compactMap { entry in
      switch entry {
      case .directory(let path), .file(let path), .link(let path, _): path
      case .enabled: nil
      }
    }
  }

  /// The units it enabled.
  public var enabledUnits: [String] {
    entries.compactMap { if case .enabled(let unit) = $0 { unit } else { nil } }
  }

  /// Whether `path` is one of the files or links it wrote.
  public func wrote(_ path: String) -> Bool {
    entries.contains { entry in
      switch entry {
      case .file(let written), .link(let written, _): written == path
      default: false
      }
    }
  }

  /// The manifest as text.
  public var text: String {
    var lines = ["# cgipool install manifest: `cgipool uninstall` removes exactly what is listed here."]
    switch subject {
    case .pool(let name): lines.append("pool\t" + name)
    case .binary: lines.append("binary")
    case .generator: lines.append("generator")
    }
    lines.append("scope\t" + scope.rawValue)
    if let source { lines.append("source\t" + source) }
    for entry in entries {
      switch entry {
      case .directory(let path): lines.append("dir\t" + path)
      case .file(let path): lines.append("file\t" + path)
      case .link(let path, let target): lines.append("link\t" + path + "\t" + target)
      case .enabled(let unit): lines.append("enabled\t" + unit)
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// Why a manifest could not be read.
  public struct ParseError: Error, Equatable, CustomStringConvertible {
    /// The line (1-based) and what is wrong with it.
    public var description: String
  }

  /// Parses `text` as written by `text`.
  public init(parsing text: String) throws(ParseError) {
    var subject: Subject?
    var scope: InstallLayout.Scope?
    var source: String?
    var entries: [Entry] = []
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      if line.isEmpty || line.hasPrefix("#") { continue }
      let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      func bad() -> ParseError { ParseError(description: "line \(index + 1): unexpected \"\(line)\"") }
      switch (fields[0], fields.count) {
      case ("pool", 2): subject = .pool(fields[1])
      case ("binary", 1): subject = .binary
      case ("generator", 1): subject = .generator
      case ("scope", 2):
        guard let value = InstallLayout.Scope(rawValue: fields[1]) else { throw bad() }
        scope = value
      case ("source", 2): source = fields[1]
      case ("dir", 2): entries.append(.directory(fields[1]))
      case ("file", 2): entries.append(.file(fields[1]))
      case ("link", 3): entries.append(.link(fields[1], fields[2]))
      case ("enabled", 2): entries.append(.enabled(fields[1]))
      default: throw bad()
      }
    }
    guard let subject, let scope else { throw ParseError(description: "no subject or scope line") }
    self.init(subject: subject, scope: scope, source: source, entries: entries)
  }

  /// Whether `path` can be recorded (no tab, no newline, absolute).
  public static func canRecord(_ path: String) -> Bool {
    path.hasPrefix("/") && !path.contains("\t") && !path.contains("\n")
  }
}
