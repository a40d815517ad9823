import Foundation
import Mustache
import ProcessConfig

/// The unit-file back end: renders each unit through a Mustache template.
///
/// The template decides the layout (header comment, blank lines); the values it
/// receives are already escaped by `UnitFileSyntax`, so a custom template cannot
/// break the escaping.
public struct UnitFileRenderer: Sendable {
  /// The template every unit is rendered with, by default.
  public static let templateName = "unit"

  private let library: MustacheLibrary
  /// Where the templates came from, for errors.
  private let directory: String
  /// Whether some template names `sections` (building them per unit is skipped otherwise).
  private let usesSections: Bool

  /// Loads the templates (`*.mustache`) from `directory`.
  public init(templatesDirectory directory: String) throws(TemplateError) {
    let path = directory.hasSuffix("/") ? directory : directory + "/"
    guard let files = try? FileManager.default.contentsOfDirectory(atPath: path) else {
      throw TemplateError(directory: directory, message: "cannot read the templates folder")
    }
    var templates: [String: MustacheTemplate] = [:]
    var usesSections = false
    for file in files.sorted() where file.hasSuffix(".mustache") {
      guard let text = FileManager.default.contents(atPath: path + file).flatMap({ String(data: $0, encoding: .utf8) })
      else { throw TemplateError(directory: directory, message: "cannot read \(file) as UTF-8") }
      usesSections = usesSections || Self.namesSections(text)
      do {
        templates[String(file.dropLast(".mustache".count))] = try MustacheTemplate(string: text)
      } catch {
        throw TemplateError(directory: directory, message: "\(file): \(error)")
      }
    }
    guard templates[Self.templateName] != nil else {
      throw TemplateError(directory: directory, message: "no \(Self.templateName).mustache template there")
    }
    library = MustacheLibrary(templates: templates)
    self.directory = directory
    self.usesSections = usesSections
  }

  /// Loads a template from text (used by tests and embedders).
  public init(template: String) throws(TemplateError) {
    do {
      let parsed = try MustacheTemplate(string: template)
      library = MustacheLibrary(templates: [Self.templateName: parsed])
      directory = "(inline)"
      usesSections = Self.namesSections(template)
    } catch {
      throw TemplateError(directory: "(inline)", message: "cannot parse template: \(error)")
    }
  }

  /// The text of one unit file.
  ///
  /// The template sees `unit`, `kind`, `pool`, `config`, `process` (absent for pool-wide units),
  /// `body` (every section, `[Name]` line and settings, already rendered) and, when a template
  /// names it, `sections` (each with `name` and `settings`, the section's lines joined).
  ///
  /// Throws when the template cannot render the unit (the Mustache library gives no reason).
  public func render(_ unit: UnitDefinition, pool: CompiledPool, configFile: String) throws(TemplateError) -> String {
    // A template for the unit's kind (e.g. `service.mustache`) wins over the generic one.
    let template = library.getTemplate(named: unit.kind.rawValue) != nil ? unit.kind.rawValue : Self.templateName
    // Each Mustache variable costs several dynamic casts; at 10,000 units a loop over sections
    // and lines cost more than the rest of the compile, so the body arrives as one string.
    let settings = unit.sections.map { section in
      section.settings.filter(\.inFile).map { "\($0.key)=\(UnitFileSyntax.render($0.value))" }.joined(separator: "\n")
    }
    let body = zip(unit.sections, settings).map { section, lines in "\n[\(section.name)]\n\(lines)" }
      .joined(separator: "\n")
    var context: [String: Any] = [
      "unit": unit.name,
      "kind": unit.kind.rawValue,
      "pool": pool.poolName,
      "config": configFile,
      "body": body,
    ]
    if usesSections {
      context["sections"] = zip(unit.sections, settings).map { section, lines -> [String: Any] in
        ["name": section.name, "settings": lines]
      }
    }
    if let process = unit.process { context["process"] = process }
    guard let text = library.render(context, withTemplate: template) else {
      throw TemplateError(directory: directory, message: "\(template).mustache: cannot render \(unit.name)")
    }
    return text
  }

  /// Whether a template has a tag naming `sections` (`{{#sections}}`, `{{sections.name}}`, ...).
  ///
  /// Read from the tags, not the text: "sections" in a comment tag or in the literal text
  /// around the tags does not make every unit build its sections.
  static func namesSections(_ template: String) -> Bool {
    var rest = template[...]
    while let open = rest.range(of: "{{") {
      guard let close = rest[open.upperBound...].range(of: "}}") else { return false }
      var tag = rest[open.upperBound..<close.lowerBound].drop { $0 == " " }
      rest = rest[close.upperBound...]
      guard let sigil = tag.first else { continue }
      if sigil == "!" { continue }
      if "#^/&{>$<".contains(sigil) { tag = tag.dropFirst().drop { $0 == " " } }
      let name = tag.prefix { !" .}|".contains($0) }
      if name == "sections" { return true }
    }
    return false
  }

  /// Every unit of `pool` as (file name, text), in the pool's order.
  public func renderAll(_ pool: CompiledPool, configFile: String) throws(TemplateError) -> [(name: String, text: String)] {
    // Units render independently, so large pools render on every core.
    let rendered = pool.units.concurrentMap { unit -> Result<(name: String, text: String), TemplateError> in
      Result { () throws(TemplateError) in (unit.name, try render(unit, pool: pool, configFile: configFile)) }
    }
    return try rendered.map { result throws(TemplateError) in try result.get() }
  }
}

/// A problem with the unit-file templates.
public struct TemplateError: Error, Sendable, CustomStringConvertible {
  /// The templates folder.
  public var directory: String
  /// What is wrong.
  public var message: String

  /// `directory: message`.
  public var description: String { "\(directory): \(message)" }
}
