/// A D-Bus value of any type, as read from or appended to a `BusMessage`.
///
/// Arrays carry their element signature so that an empty array still has a type; a dictionary
/// (`a{sv}`) is an array of `dictEntry` values.
public indirect enum BusValue: Sendable, Hashable {
  /// `s`
  case string(String)
  /// `o`
  case objectPath(String)
  /// `g`
  case signature(String)
  /// `b` (a 32-bit integer on the wire)
  case bool(Bool)
  /// `y`
  case byte(UInt8)
  /// `n`
  case int16(Int16)
  /// `q`
  case uint16(UInt16)
  /// `i`
  case int32(Int32)
  /// `u`
  case uint32(UInt32)
  /// `x`
  case int64(Int64)
  /// `t`
  case uint64(UInt64)
  /// `d`
  case double(Double)
  /// `h`: the descriptor number as found in the message (owned by the message, not by the value).
  case unixFD(Int32)
  /// `a<element>`: the element signature and the elements.
  case array(String, [BusValue])
  /// `(...)`
  case `struct`([BusValue])
  /// `{kv}`: one entry of a dictionary array.
  case dictEntry(BusValue, BusValue)
  /// `v`: the contained value's signature and the value.
  case variant(String, BusValue)

  /// A variant holding `value`, its signature taken from the value.
  public static func variant(_ value: BusValue) -> BusValue {
    .variant(value.signature, value)
  }

  /// An `as` array of strings.
  public static func strings(_ values: [String]) -> BusValue {
    .array("s", values.map(BusValue.string))
  }

  /// An `a{sv}` dictionary, entries in the given order.
  public static func dictionary(_ entries: [(String, BusValue)]) -> BusValue {
    .array("{sv}", entries.map { .dictEntry(.string($0.0), .variant($0.1)) })
  }

  /// The D-Bus signature of this single complete type (e.g. `a(sv)`).
  public var signature: String {
    switch self {
    case .string: "s"
    case .objectPath: "o"
    case .signature: "g"
    case .bool: "b"
    case .byte: "y"
    case .int16: "n"
    case .uint16: "q"
    case .int32: "i"
    case .uint32: "u"
    case .int64: "x"
    case .uint64: "t"
    case .double: "d"
    case .unixFD: "h"
    case .array(let element, _): "a" + element
    case .struct(let fields): "(" + fields.map(\.signature).joined() + ")"
    case .dictEntry(let key, let value): "{" + key.signature + value.signature + "}"
    case .variant: "v"
    }
  }
}

extension BusValue {
  /// The value inside any number of variants.
  public var unwrapped: BusValue {
    if case .variant(_, let inner) = self { return inner.unwrapped }
    return self
  }

  /// The string of an `s`, `o` or `g` value (through variants).
  public var stringValue: String? {
    switch unwrapped {
    case .string(let s), .objectPath(let s), .signature(let s): s
    default: nil
    }
  }

  /// The truth value of a `b` (through variants).
  public var boolValue: Bool? {
    if case .bool(let b) = unwrapped { return b }
    return nil
  }

  /// Any integer type widened to `Int64` when it fits (through variants).
  public var int64Value: Int64? {
    switch unwrapped {
    case .byte(let v): Int64(v)
    case .int16(let v): Int64(v)
    case .uint16(let v): Int64(v)
    case .int32(let v): Int64(v)
    case .uint32(let v): Int64(v)
    case .int64(let v): v
    case .uint64(let v): Int64(exactly: v)
    default: nil
    }
  }

  /// Any non-negative integer type widened to `UInt64` (through variants).
  public var uint64Value: UInt64? {
    switch unwrapped {
    case .uint64(let v): v
    default: int64Value.flatMap { UInt64(exactly: $0) }
    }
  }

  /// The elements of an array (through variants).
  public var arrayValues: [BusValue]? {
    if case .array(_, let values) = unwrapped { return values }
    return nil
  }

  /// The fields of a struct (through variants).
  public var structFields: [BusValue]? {
    if case .struct(let fields) = unwrapped { return fields }
    return nil
  }

  /// An `a{s...}` dictionary as `[String: BusValue]` (values stay wrapped; later keys win).
  public var dictionaryValue: [String: BusValue]? {
    guard let entries = arrayValues else { return nil }
    var result: [String: BusValue] = [:]
    for entry in entries {
      guard case .dictEntry(let key, let value) = entry, let name = key.stringValue else { return nil }
      result[name] = value
    }
    return result
  }
}
