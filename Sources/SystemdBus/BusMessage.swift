/// An sd-bus message (`sd_bus_message`) owned by Swift: one reference, released in `deinit`.
///
/// Not thread-safe, like the connection it belongs to.
public final class BusMessage {
  /// The message handle; this object owns one reference to it.
  let pointer: OpaquePointer

  /// Takes over an existing reference (from `sd_bus_message_new_method_call` or `sd_bus_call`).
  init(owning pointer: OpaquePointer) {
    self.pointer = pointer
  }

  /// Adds a reference to a borrowed handle (e.g. the message passed to a match callback).
  init(retaining pointer: OpaquePointer) {
    CBus.retain(message: pointer)
    self.pointer = pointer
  }

  deinit {
    CBus.release(message: pointer)
  }

  /// The D-Bus message type (`sd_bus_message_get_type`).
  public enum MessageType: UInt8, Sendable {
    /// Not a valid message type.
    case invalid = 0
    /// A method call.
    case methodCall = 1
    /// A method return.
    case methodReturn = 2
    /// An error reply.
    case error = 3
    /// A signal.
    case signal = 4
  }

  /// The header fields of a message.
  public struct Header: Sendable, Equatable {
    /// The message type.
    public var type: MessageType
    /// The object path (`sd_bus_message_get_path`).
    public var path: String?
    /// The interface (`sd_bus_message_get_interface`).
    public var interface: String?
    /// The member: method or signal name (`sd_bus_message_get_member`).
    public var member: String?
    /// The sender's bus name; nil on a direct connection (`sd_bus_message_get_sender`).
    public var sender: String?
    /// The destination (`sd_bus_message_get_destination`).
    public var destination: String?
    /// The signature of the whole body (`sd_bus_message_get_signature`).
    public var signature: String
  }

  /// The message's header fields.
  public var header: Header { CBus.header(pointer) }

  /// Goes back to the start of the body (`sd_bus_message_rewind`), to read it again.
  public func rewind() throws(BusError) {
    try CBus.rewind(pointer, complete: true)
  }
}
