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
  /// The object path of unit `name`, as systemd escapes it (`bus_label_escape`): every byte
  /// other than `[A-Za-z0-9]` becomes `_xx`.
  public static func unitPath(forName name: String) -> String {
    var label = ""
    for byte in name.utf8 {
      switch byte {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
        label.unicodeScalars.append(Unicode.Scalar(byte))
      default:
        let hex = Array("0123456789abcdef")
        label += "_" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0xf)])
      }
    }
    return "/org/freedesktop/systemd1/unit/" + (label.isEmpty ? "_" : label)
  }
}
