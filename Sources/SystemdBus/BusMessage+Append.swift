extension BusMessage {
  /// Container kinds for `openContainer(_:contents:)`.
  public enum ContainerKind: Sendable {
    /// `a`: contents is the element signature.
    case array
    /// `(...)`: contents is the member signature.
    case `struct`
    /// `{..}`: contents is the key and value signature.
    case dictEntry
    /// `v`: contents is the contained value's signature.
    case variant

    var code: Unicode.Scalar {
      switch self {
      case .array: "a"
      case .struct: "r"
      case .dictEntry: "e"
      case .variant: "v"
      }
    }
  }

  /// Appends an `s` (`sd_bus_message_append_basic`).
  public func append(string value: String) throws(BusError) {
    try CBus.appendString(pointer, "s", value)
  }

  /// Appends an `o` object path (`sd_bus_message_append_basic`).
  public func append(objectPath value: String) throws(BusError) {
    try CBus.appendString(pointer, "o", value)
  }

  /// Appends a `g` signature (`sd_bus_message_append_basic`).
  public func append(signature value: String) throws(BusError) {
    try CBus.appendString(pointer, "g", value)
  }

  /// Appends a `b`, a 32-bit 0 or 1 on the wire (`sd_bus_message_append_basic`).
  public func append(bool value: Bool) throws(BusError) {
    try appendFixed("b", Int32(value ? 1 : 0))
  }

  /// Appends a `y` (`sd_bus_message_append_basic`).
  public func append(byte value: UInt8) throws(BusError) { try appendFixed("y", value) }
  /// Appends an `n` (`sd_bus_message_append_basic`).
  public func append(int16 value: Int16) throws(BusError) { try appendFixed("n", value) }
  /// Appends a `q` (`sd_bus_message_append_basic`).
  public func append(uint16 value: UInt16) throws(BusError) { try appendFixed("q", value) }
  /// Appends an `i` (`sd_bus_message_append_basic`).
  public func append(int32 value: Int32) throws(BusError) { try appendFixed("i", value) }
  /// Appends a `u` (`sd_bus_message_append_basic`).
  public func append(uint32 value: UInt32) throws(BusError) { try appendFixed("u", value) }
  /// Appends an `x` (`sd_bus_message_append_basic`).
  public func append(int64 value: Int64) throws(BusError) { try appendFixed("x", value) }
  /// Appends a `t` (`sd_bus_message_append_basic`).
  public func append(uint64 value: UInt64) throws(BusError) { try appendFixed("t", value) }
  /// Appends a `d` (`sd_bus_message_append_basic`).
  public func append(double value: Double) throws(BusError) { try appendFixed("d", value) }
  /// Appends an `h`: sd-bus duplicates the descriptor into the message (`sd_bus_message_append_basic`).
  public func append(unixFD value: Int32) throws(BusError) { try appendFixed("h", value) }

  /// Opens a container (`sd_bus_message_open_container`); close it with `closeContainer()`.
  public func openContainer(_ kind: ContainerKind, contents: String) throws(BusError) {
    try CBus.openContainer(pointer, kind.code, contents)
  }

  /// Closes the innermost open container (`sd_bus_message_close_container`).
  public func closeContainer() throws(BusError) {
    try CBus.closeContainer(pointer)
  }

  /// Appends `value` with its own signature (`value.signature`), recursing into containers.
  public func append(_ value: BusValue) throws(BusError) {
    switch value {
    case .string(let v): try append(string: v)
    case .objectPath(let v): try append(objectPath: v)
    case .signature(let v): try append(signature: v)
    case .bool(let v): try append(bool: v)
    case .byte(let v): try append(byte: v)
    case .int16(let v): try append(int16: v)
    case .uint16(let v): try append(uint16: v)
    case .int32(let v): try append(int32: v)
    case .uint32(let v): try append(uint32: v)
    case .int64(let v): try append(int64: v)
    case .uint64(let v): try append(uint64: v)
    case .double(let v): try append(double: v)
    case .unixFD(let v): try append(unixFD: v)
    case .array(let element, let values):
      // sd-bus rejects elements that do not match `element`, so a mistyped array fails here.
      try openContainer(.array, contents: element)
      for v in values { try append(v) }
      try closeContainer()
    case .struct(let fields):
      try openContainer(.struct, contents: fields.map(\.signature).joined())
      for v in fields { try append(v) }
      try closeContainer()
    case .dictEntry(let key, let v):
      try openContainer(.dictEntry, contents: key.signature + v.signature)
      try append(key)
      try append(v)
      try closeContainer()
    case .variant(let signature, let inner):
      try openContainer(.variant, contents: signature)
      try append(inner)
      try closeContainer()
    }
  }

  /// Appends each value in order.
  public func append(contentsOf values: [BusValue]) throws(BusError) {
    for value in values { try append(value) }
  }

  private func appendFixed<T>(_ type: Unicode.Scalar, _ value: T) throws(BusError) {
    var copy = value
    // The pointer only has to live for the call: sd-bus copies the bytes into the message.
    let result: BusError? = withUnsafeBytes(of: &copy) { raw in
      do throws(BusError) {
        try CBus.appendBasic(pointer, type, raw.baseAddress!)
        return nil
      } catch {
        return error
      }
    }
    if let result { throw result }
  }
}
