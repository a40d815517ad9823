extension SystemdManager {
  /// A `org.freedesktop.DBus.Properties.PropertiesChanged(sa{sv}as)` signal from a unit.
  public struct PropertiesChanged: Sendable, Equatable {
    /// The object path of the unit (or job) that changed.
    public var path: String
    /// The interface whose properties changed, e.g. `org.freedesktop.systemd1.Unit`.
    public var interface: String
    /// The changed properties with their new values (unwrapped from variants).
    public var changed: [String: BusValue]
    /// Properties that changed but whose values were not sent.
    public var invalidated: [String]
  }

  /// Calls `handler` from `connection.process()` for each `PropertiesChanged` signal of objects
  /// below `/org/freedesktop/systemd1/unit/` until the returned match is released. Call
  /// `subscribe()` too, or a manager on a bus sends nothing.
  public func watchUnitProperties(_ handler: @escaping (PropertiesChanged) -> Void) throws(BusError) -> BusMatch {
    var rule = "type='signal',interface='\(Self.propertiesInterface)',member='PropertiesChanged',path_namespace='/org/freedesktop/systemd1/unit'"
    if connection.isBusClient { rule += ",sender='\(Self.destination)'" }
    return try connection.addMatch(rule) { message in
      // A malformed signal is dropped: it carries nothing the handler could use.
      guard let path = message.header.path,
        let values = try? message.readAll(), values.count == 3,
        case .string(let interface) = values[0],
        let changed = values[1].dictionaryValue,
        let invalidated = values[2].arrayValues?.compactMap(\.stringValue)
      else { return }
      handler(PropertiesChanged(path: path, interface: interface, changed: changed.mapValues(\.unwrapped), invalidated: invalidated))
    }
  }
}

extension SystemdManager {
  /// The object path systemd gives unit `name`: `/org/freedesktop/systemd1/unit/` plus the name
  /// escaped like sd-bus's `bus_label_escape` (`_xx` for every byte outside `[A-Za-z0-9]`, and for
  /// a leading digit).
  public static func unitPath(forName name: String) -> String {
    var label = ""
    for (index, byte) in name.utf8.enumerated() {
      let isLetter = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
      let isDigit = byte >= 0x30 && byte <= 0x39
      if isLetter || (isDigit && index > 0) {
        label.append(Character(Unicode.Scalar(byte)))
      } else {
        let hex = String(byte, radix: 16)
        label += "_" + (hex.count == 1 ? "0" + hex : hex)
      }
    }
    return unitPathPrefix + (label.isEmpty ? "_" : label)
  }

  /// The unit name an object path stands for (`_2e` → `.`), `nil` when it is not a unit path;
  /// the inverse of `unitPath(forName:)`.
  public static func unitName(fromPath path: String) -> String? {
    guard path.hasPrefix(unitPathPrefix) else { return nil }
    var bytes: [UInt8] = []
    var label = Array(path.utf8.dropFirst(unitPathPrefix.utf8.count))[...]
    while let byte = label.popFirst() {
      if byte == UInt8(ascii: "_"), label.count >= 2,
        let value = UInt8(String(decoding: label.prefix(2), as: UTF8.self), radix: 16)
      {
        bytes.append(value)
        label = label.dropFirst(2)
      } else {
        bytes.append(byte)
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Where systemd's unit objects live.
  static let unitPathPrefix = "/org/freedesktop/systemd1/unit/"
}
