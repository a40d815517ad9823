#if canImport(Glibc)
import Glibc
#endif

extension BusMessage {
  /// Reads the next `s` (`sd_bus_message_read_basic`).
  public func readString() throws(BusError) -> String { try readStringLike("s") }
  /// Reads the next `o` (`sd_bus_message_read_basic`).
  public func readObjectPath() throws(BusError) -> String { try readStringLike("o") }
  /// Reads the next `b` (`sd_bus_message_read_basic`).
  public func readBool() throws(BusError) -> Bool { try readFixed("b", Int32(0)) != 0 }
  /// Reads the next `y` (`sd_bus_message_read_basic`).
  public func readByte() throws(BusError) -> UInt8 { try readFixed("y", UInt8(0)) }
  /// Reads the next `i` (`sd_bus_message_read_basic`).
  public func readInt32() throws(BusError) -> Int32 { try readFixed("i", Int32(0)) }
  /// Reads the next `u` (`sd_bus_message_read_basic`).
  public func readUInt32() throws(BusError) -> UInt32 { try readFixed("u", UInt32(0)) }
  /// Reads the next `x` (`sd_bus_message_read_basic`).
  public func readInt64() throws(BusError) -> Int64 { try readFixed("x", Int64(0)) }
  /// Reads the next `t` (`sd_bus_message_read_basic`).
  public func readUInt64() throws(BusError) -> UInt64 { try readFixed("t", UInt64(0)) }
  /// Reads the next `d` (`sd_bus_message_read_basic`).
  public func readDouble() throws(BusError) -> Double { try readFixed("d", Double(0)) }

  /// Enters the next container (`sd_bus_message_enter_container`); false when none is left.
  public func enterContainer(_ kind: ContainerKind, contents: String?) throws(BusError) -> Bool {
    try CBus.enterContainer(pointer, kind.code, contents)
  }

  /// Leaves the current container (`sd_bus_message_exit_container`).
  public func exitContainer() throws(BusError) {
    try CBus.exitContainer(pointer)
  }

  /// Skips values of the given signature (`sd_bus_message_skip`).
  public func skip(_ signature: String) throws(BusError) {
    try CBus.skip(pointer, signature)
  }

  /// The signature of the next complete value (`sd_bus_message_peek_type`); nil at the end of
  /// the current container or body.
  public func peekSignature() throws(BusError) -> String? {
    guard let (type, contents) = try CBus.peekType(pointer) else { return nil }
    switch type {
    case "a": return "a" + (contents ?? "")
    case "r": return "(" + (contents ?? "") + ")"
    case "e": return "{" + (contents ?? "") + "}"
    default: return String(Character(type))
    }
  }

  /// Reads one value of the single complete type `signature` (e.g. `a(ssssssouso)`, `a{sv}`),
  /// failing with `ENXIO` and no value consumed when the message holds something else.
  public func read(_ signature: String) throws(BusError) -> BusValue {
    let found = try peekSignature()
    guard found == signature else {
      throw BusError(
        errno: ENXIO,
        message: "expected a value of signature '\(signature)', found \(found.map { "'\($0)'" } ?? "the end")",
        function: "BusMessage.read")
    }
    guard let value = try readValue() else {
      throw BusError(errno: ENXIO, message: "no value left to read", function: "BusMessage.read")
    }
    return value
  }

  /// Reads every value left in the current container or body.
  public func readAll() throws(BusError) -> [BusValue] {
    var values: [BusValue] = []
    while let value = try readValue() { values.append(value) }
    return values
  }

  /// Reads the next value of whatever type it is (driven by `sd_bus_message_peek_type`); nil at
  /// the end of the current container or body.
  public func readValue() throws(BusError) -> BusValue? {
    guard let (type, contents) = try CBus.peekType(pointer) else { return nil }
    switch type {
    case "s": return .string(try readStringLike("s"))
    case "o": return .objectPath(try readStringLike("o"))
    case "g": return .signature(try readStringLike("g"))
    case "b": return .bool(try readFixed("b", Int32(0)) != 0)
    case "y": return .byte(try readFixed("y", UInt8(0)))
    case "n": return .int16(try readFixed("n", Int16(0)))
    case "q": return .uint16(try readFixed("q", UInt16(0)))
    case "i": return .int32(try readFixed("i", Int32(0)))
    case "u": return .uint32(try readFixed("u", UInt32(0)))
    case "x": return .int64(try readFixed("x", Int64(0)))
    case "t": return .uint64(try readFixed("t", UInt64(0)))
    case "d": return .double(try readFixed("d", Double(0)))
    case "h": return .unixFD(try readFixed("h", Int32(0)))
    case "a":
      let element = contents ?? ""
      let values = try readContainer("a", element)
      return .array(element, values)
    case "r":
      return .struct(try readContainer("r", contents ?? ""))
    case "e":
      let fields = try readContainer("e", contents ?? "")
      guard fields.count == 2 else {
        throw BusError(errno: EBADMSG, message: "dictionary entry with \(fields.count) fields", function: "BusMessage.readValue")
      }
      return .dictEntry(fields[0], fields[1])
    case "v":
      let inner = try readContainer("v", contents ?? "")
      guard inner.count == 1 else {
        throw BusError(errno: EBADMSG, message: "variant with \(inner.count) values", function: "BusMessage.readValue")
      }
      return .variant(contents ?? inner[0].signature, inner[0])
    default:
      throw BusError(errno: EBADMSG, message: "unsupported D-Bus type '\(Character(type))'", function: "BusMessage.readValue")
    }
  }

  /// Reads an `a{sv}` property dictionary, decoding only the values of `keys` and skipping
  /// the rest in place (`sd_bus_message_skip`): a unit's `GetAll` holds hundreds of properties.
  public func readProperties(only keys: Set<String>) throws(BusError) -> [String: BusValue] {
    guard try CBus.enterContainer(pointer, "a", "{sv}") else {
      throw BusError(errno: ENXIO, message: "expected a property dictionary (a{sv})", function: "BusMessage.readProperties")
    }
    var properties: [String: BusValue] = [:]
    while try CBus.enterContainer(pointer, "e", "sv") {
      let key = try readStringLike("s")
      if keys.contains(key), let value = try readValue() {
        properties[key] = value.unwrapped
      } else {
        try CBus.skip(pointer, "v")
      }
      try CBus.exitContainer(pointer)
    }
    try CBus.exitContainer(pointer)
    return properties
  }

  private func readContainer(_ type: Unicode.Scalar, _ contents: String) throws(BusError) -> [BusValue] {
    guard try CBus.enterContainer(pointer, type, contents) else { return [] }
    let values = try readAll()
    try CBus.exitContainer(pointer)
    return values
  }

  private func readStringLike(_ type: Unicode.Scalar) throws(BusError) -> String {
    guard let value = try CBus.readString(pointer, type) else {
      throw BusError(errno: ENXIO, message: "no '\(Character(type))' value left to read", function: "sd_bus_message_read_basic")
    }
    return value
  }

  private func readFixed<T>(_ type: Unicode.Scalar, _ initial: T) throws(BusError) -> T {
    var value = initial
    let outcome: Result<Bool, BusError> = withUnsafeMutableBytes(of: &value) { raw in
      do throws(BusError) {
        return .success(try CBus.readBasic(pointer, type, raw.baseAddress!))
      } catch {
        return .failure(error)
      }
    }
    guard try outcome.get() else {
      throw BusError(errno: ENXIO, message: "no '\(Character(type))' value left to read", function: "sd_bus_message_read_basic")
    }
    return value
  }
}
