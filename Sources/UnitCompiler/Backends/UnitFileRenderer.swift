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

  /// Loads the templates (`*.mustache`) from `directory`.
  public init(templatesDirectory directory: String) throws(TemplateError) {
    let path = directory.hasSuffix("/") ? directory : directory + "/"
    guard let files = try? FileManager.default.contentsOfDirectory(atPath: path) else {
      throw TemplateError(directory: directory, message: "cannot read the templates folder")
    }
    var templates: [String: MustacheTemplate] = [:]
    for file in files.sorted() where file.hasSuffix(".mustache") {
      guard let text = FileManager.default.contents(atPath: path + file).flatMap({ String(data: $0, encoding: .utf8) })
      else { throw TemplateError(directory: directory, message: "cannot read \(file) as UTF-8") }
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
  }

  /// Loads a template from text (used by tests and embedders).
  public init(template: String) throws(TemplateError) {
    do {
      let parsed = try MustacheTemplate(string: template)
      library = MustacheLibrary(templates: [Self.templateName: parsed])
    } catch {
      throw TemplateError(directory: "(inline)", message: "cannot parse template: \(error)")
    }
  }

  /// The text of one unit file.
  public func render(_ unit: UnitDefinition, pool: CompiledPool, configFile: String) -> String {
    // A template for the unit's kind (e.g. `service.mustache`) wins over the generic one.
    let template = library.getTemplate(named: unit.kind.rawValue) != nil ? unit.kind.rawValue : Self.templateName
    // Each section's lines arrive joined: a Mustache section per line costs more than the
    // rest of the compile at 10,000 processes, and a template has no use for single lines.
    let sections: [[String: Any]] = unit.sections.map { section in
      [
        "name": section.name,
        "settings": section.settings.map { "\($0.key)=\(UnitFileSyntax.render($0.value))" }.joined(separator: "\n"),
      ]
    }
    var context: [String: Any] = [
      "unit": unit.name,
      "kind": unit.kind.rawValue,
      "pool": pool.poolName,
      "config": configFile,
      "sections": sections,
    ]
    if let process = unit.process { context["process"] = process }
    return library.render(context, withTemplate: template) ?? ""
  }

  /// Every unit of `pool` as (file name, text), in the pool's order.
  public func renderAll(_ pool: CompiledPool, configFile: String) -> [(name: String, text: String)] {
    pool.units.map { ($0.name, render($0, pool: pool, configFile: configFile)) }
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
