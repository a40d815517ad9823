/// A complete systemd unit: its name and its ordered sections.
///
/// This is the one typed model both back ends render, so a unit file and a
/// transient unit built from the same definition cannot drift apart.
public struct UnitDefinition: Sendable, Equatable {
  /// The kind of unit, which is also the name's suffix.
  public enum Kind: String, Sendable, Equatable, CaseIterable {
    /// A `.service`.
    case service
    /// A `.slice`.
    case slice
    /// A `.target`.
    case target
    /// A `.scope`: processes started elsewhere, moved into a unit (transient only).
    case scope
    /// A `.socket`: addresses systemd holds for a process's service (`listen`).
    case socket
  }

  /// The full unit name, e.g. `cgipool-proxy.service`.
  public var name: String
  /// The kind of unit.
  public var kind: Kind
  /// The process this unit runs or checks, if any (for headers and status).
  public var process: String?
  /// Sections in the order they are written.
  public var sections: [UnitSection]

  /// Creates a unit.
  public init(name: String, kind: Kind, process: String? = nil, sections: [UnitSection]) {
    self.name = name
    self.kind = kind
    self.process = process
    self.sections = sections
  }

  /// Every setting of the unit, in order, with the name of its section.
  public var allSettings: [(section: String, setting: UnitSetting)] {
    sections.flatMap { section in section.settings.map { (section.name, $0) } }
  }

  /// The values of every setting with `key`, in order.
  public func values(of key: String) -> [UnitValue] {
    allSettings.filter { $0.setting.key == key }.map(\.setting.value)
  }
}
