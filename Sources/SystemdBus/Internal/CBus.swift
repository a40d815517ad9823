import CSystemd

#if canImport(Glibc)
import Glibc
#endif

// Every call into libsystemd's sd-bus lives in this file (as apple/swift-system keeps every
// syscall in one internal file): the rest of SystemdBus works with Swift types only, and each C
// result is converted into a `BusError` exactly once, here.

/// The internal namespace holding every `sd_bus_*` call of SystemdBus.
enum CBus {
  /// The D-Bus type code of `type` as the C `char` sd-bus expects.
  @inline(__always)
  static func code(_ type: Unicode.Scalar) -> CChar {
    CChar(bitPattern: UInt8(type.value))
  }

  /// Turns a negative sd-bus return value into a `BusError` naming the C function.
  @inline(__always)
  @discardableResult
  static func check(_ result: Int32, _ function: StaticString) throws(BusError) -> Int32 {
    if result < 0 {
      throw BusError(errno: -result, function: "\(function)")
    }
    return result
  }

  // MARK: - Connections

  /// `sd_bus_open_system`.
  static func openSystem() throws(BusError) -> OpaquePointer {
    var bus: OpaquePointer?
    try check(sd_bus_open_system(&bus), "sd_bus_open_system")
    return try unwrap(bus, "sd_bus_open_system")
  }

  /// `sd_bus_open_user`.
  static func openUser() throws(BusError) -> OpaquePointer {
    var bus: OpaquePointer?
    try check(sd_bus_open_user(&bus), "sd_bus_open_user")
    return try unwrap(bus, "sd_bus_open_user")
  }

  /// `sd_bus_open_system_remote`: the system bus of `host` (`[USER@]HOST[:PORT]`) through
  /// `ssh ... systemd-stdio-bridge`, as `systemctl -H` does. Returns at once: ssh and the
  /// authentication run in the background until the connection is ready (`isReady`).
  static func openSystemRemote(host: String) throws(BusError) -> OpaquePointer {
    var bus: OpaquePointer?
    let result = host.withCString { sd_bus_open_system_remote(&bus, $0) }
    if result < 0 { throw BusError(errno: -result, function: "sd_bus_open_system_remote(\(host))") }
    return try unwrap(bus, "sd_bus_open_system_remote")
  }

  /// `sd_bus_is_ready`: authenticated and (for a bus client) said Hello.
  static func isReady(_ bus: OpaquePointer) -> Bool {
    sd_bus_is_ready(bus) > 0
  }

  /// `sd_bus_new` + `sd_bus_set_address` (+ `sd_bus_set_bus_client`) + `sd_bus_start`.
  static func open(address: String, isBusClient: Bool, description: String?) throws(BusError) -> OpaquePointer {
    var created: OpaquePointer?
    try check(sd_bus_new(&created), "sd_bus_new")
    let bus = try unwrap(created, "sd_bus_new")
    // From here on the handle must be released on every failure path.
    var result = address.withCString { sd_bus_set_address(bus, $0) }
    if result >= 0, isBusClient {
      // A bus client sends Hello and gets a unique name; a direct peer (the manager's private
      // socket) must not, since nobody there would answer it.
      result = sd_bus_set_bus_client(bus, 1)
    }
    if result >= 0, let description {
      result = description.withCString { sd_bus_set_description(bus, $0) }
    }
    if result >= 0 {
      result = sd_bus_start(bus)
    }
    if result < 0 {
      _ = sd_bus_flush_close_unref(bus)
      throw BusError(errno: -result, function: "sd_bus_start(\(address))")
    }
    return bus
  }

  /// `sd_bus_flush_close_unref` once the connection is ready; before that `sd_bus_close_unref`,
  /// because flushing a connection still authenticating waits for it (up to sd-bus's 90 s
  /// authentication timeout: a remote host that never answers would hang the caller). Closing
  /// also ends the ssh child of a remote connection.
  static func close(bus: OpaquePointer) {
    if sd_bus_is_ready(bus) > 0 {
      _ = sd_bus_flush_close_unref(bus)
    } else {
      _ = sd_bus_close_unref(bus)
    }
  }

  /// `sd_bus_is_bus_client`.
  static func isBusClient(_ bus: OpaquePointer) -> Bool {
    sd_bus_is_bus_client(bus) > 0
  }

  /// `sd_bus_is_open`.
  static func isOpen(_ bus: OpaquePointer) -> Bool {
    sd_bus_is_open(bus) > 0
  }

  /// `sd_bus_message_new_method_call`.
  static func newMethodCall(
    bus: OpaquePointer, destination: String?, path: String, interface: String?, member: String
  ) throws(BusError) -> OpaquePointer {
    var message: OpaquePointer?
    let result = withOptionalCString(destination) { destination in
      path.withCString { path in
        withOptionalCString(interface) { interface in
          member.withCString { member in
            sd_bus_message_new_method_call(bus, &message, destination, path, interface, member)
          }
        }
      }
    }
    try check(result, "sd_bus_message_new_method_call")
    return try unwrap(message, "sd_bus_message_new_method_call")
  }

  /// `sd_bus_call`: sends `message` and waits for its reply, converting a D-Bus error reply.
  static func call(bus: OpaquePointer, message: OpaquePointer, timeoutMicroseconds: UInt64) throws(BusError) -> OpaquePointer {
    var error = sd_bus_error()
    var reply: OpaquePointer?
    let result = sd_bus_call(bus, message, timeoutMicroseconds, &error, &reply)
    defer { sd_bus_error_free(&error) }
    if result < 0 {
      throw BusError(
        errno: -result,
        name: error.name.map { String(cString: $0) },
        message: error.message.map { String(cString: $0) } ?? BusError.describe(errno: -result),
        function: "sd_bus_call")
    }
    return try unwrap(reply, "sd_bus_call")
  }

  /// `sd_bus_process`: dispatches at most one pending message; true when something was done.
  static func process(bus: OpaquePointer) throws(BusError) -> Bool {
    try check(sd_bus_process(bus, nil), "sd_bus_process") > 0
  }

  /// `sd_bus_wait`: blocks until the connection has something to process or the timeout elapses.
  static func wait(bus: OpaquePointer, timeoutMicroseconds: UInt64) throws(BusError) -> Bool {
    try check(sd_bus_wait(bus, timeoutMicroseconds), "sd_bus_wait") > 0
  }

  /// `sd_bus_flush`.
  static func flush(bus: OpaquePointer) throws(BusError) {
    try check(sd_bus_flush(bus), "sd_bus_flush")
  }

  /// `sd_bus_add_match`: installs `rule`; `box` receives every matching message until the slot
  /// is released. The box is passed as unretained userdata: its owner (`BusMatch`) keeps it
  /// alive for as long as the slot exists.
  static func addMatch(bus: OpaquePointer, rule: String, box: MatchHandlerBox) throws(BusError) -> OpaquePointer {
    var slot: OpaquePointer?
    let userdata = Unmanaged.passUnretained(box).toOpaque()
    let result = rule.withCString { rule in
      sd_bus_add_match(bus, &slot, rule, { message, userdata, _ in
        // A C callback cannot capture context: it comes back through userdata.
        guard let message, let userdata else { return 0 }
        let box = Unmanaged<MatchHandlerBox>.fromOpaque(userdata).takeUnretainedValue()
        box.deliver(BusMessage(retaining: message))
        return 0
      }, userdata)
    }
    try check(result, "sd_bus_add_match")
    return try unwrap(slot, "sd_bus_add_match")
  }

  /// `sd_bus_call_async`: sends `message`; `box` receives the reply (or error reply) from `process()`.
  static func callAsync(
    bus: OpaquePointer, message: OpaquePointer, box: MatchHandlerBox, timeoutMicroseconds: UInt64
  ) throws(BusError) -> OpaquePointer {
    var slot: OpaquePointer?
    let userdata = Unmanaged.passUnretained(box).toOpaque()
    let result = sd_bus_call_async(bus, &slot, message, { reply, userdata, _ in
      // As for matches, the context comes back through userdata.
      guard let reply, let userdata else { return 0 }
      let box = Unmanaged<MatchHandlerBox>.fromOpaque(userdata).takeUnretainedValue()
      box.deliver(BusMessage(retaining: reply))
      return 0
    }, userdata, timeoutMicroseconds)
    try check(result, "sd_bus_call_async")
    return try unwrap(slot, "sd_bus_call_async")
  }

  /// `sd_bus_message_get_error`: the error a reply carries, `nil` for a method return.
  static func replyError(_ message: OpaquePointer) -> BusError? {
    guard let error = sd_bus_message_get_error(message) else { return nil }
    let errno = sd_bus_error_get_errno(error)
    return BusError(
      errno: errno > 0 ? errno : EIO,
      name: error.pointee.name.map { String(cString: $0) },
      message: error.pointee.message.map { String(cString: $0) } ?? BusError.describe(errno: errno),
      function: "sd_bus_call_async")
  }

  /// `sd_bus_slot_unref`: removes the match the slot stands for.
  static func release(slot: OpaquePointer) {
    _ = sd_bus_slot_unref(slot)
  }

  // MARK: - Messages

  /// `sd_bus_message_ref`.
  static func retain(message: OpaquePointer) {
    _ = sd_bus_message_ref(message)
  }

  /// `sd_bus_message_unref`.
  static func release(message: OpaquePointer) {
    _ = sd_bus_message_unref(message)
  }

  /// `sd_bus_message_append_basic` for fixed-size types; `value` points at the C value.
  static func appendBasic(_ message: OpaquePointer, _ type: Unicode.Scalar, _ value: UnsafeRawPointer) throws(BusError) {
    try check(sd_bus_message_append_basic(message, code(type), value), "sd_bus_message_append_basic")
  }

  /// `sd_bus_message_append_basic` for the string types `s`, `o` and `g` (the pointer is the string).
  static func appendString(_ message: OpaquePointer, _ type: Unicode.Scalar, _ value: String) throws(BusError) {
    let result = value.withCString { sd_bus_message_append_basic(message, code(type), $0) }
    try check(result, "sd_bus_message_append_basic")
  }

  /// `sd_bus_message_open_container`.
  static func openContainer(_ message: OpaquePointer, _ type: Unicode.Scalar, _ contents: String) throws(BusError) {
    let result = contents.withCString { sd_bus_message_open_container(message, code(type), $0) }
    try check(result, "sd_bus_message_open_container")
  }

  /// `sd_bus_message_close_container`.
  static func closeContainer(_ message: OpaquePointer) throws(BusError) {
    try check(sd_bus_message_close_container(message), "sd_bus_message_close_container")
  }

  /// `sd_bus_message_read_basic` for fixed-size types into `value`; false at the container's end.
  static func readBasic(_ message: OpaquePointer, _ type: Unicode.Scalar, _ value: UnsafeMutableRawPointer) throws(BusError) -> Bool {
    try check(sd_bus_message_read_basic(message, code(type), value), "sd_bus_message_read_basic") > 0
  }

  /// `sd_bus_message_read_basic` for `s`, `o` and `g`; nil at the container's end.
  static func readString(_ message: OpaquePointer, _ type: Unicode.Scalar) throws(BusError) -> String? {
    var pointer: UnsafePointer<CChar>?
    let result = try check(sd_bus_message_read_basic(message, code(type), &pointer), "sd_bus_message_read_basic")
    guard result > 0, let pointer else { return nil }
    return String(cString: pointer)
  }

  /// `sd_bus_message_peek_type`: the next value's type code and contents, nil at the container's end.
  static func peekType(_ message: OpaquePointer) throws(BusError) -> (type: Unicode.Scalar, contents: String?)? {
    var type: CChar = 0
    var contents: UnsafePointer<CChar>?
    let result = try check(sd_bus_message_peek_type(message, &type, &contents), "sd_bus_message_peek_type")
    guard result > 0 else { return nil }
    return (Unicode.Scalar(UInt8(bitPattern: type)), contents.map { String(cString: $0) })
  }

  /// `sd_bus_message_enter_container`; false when there is no such container left.
  static func enterContainer(_ message: OpaquePointer, _ type: Unicode.Scalar, _ contents: String?) throws(BusError) -> Bool {
    let result = withOptionalCString(contents) { sd_bus_message_enter_container(message, code(type), $0) }
    return try check(result, "sd_bus_message_enter_container") > 0
  }

  /// `sd_bus_message_exit_container`.
  static func exitContainer(_ message: OpaquePointer) throws(BusError) {
    try check(sd_bus_message_exit_container(message), "sd_bus_message_exit_container")
  }

  /// `sd_bus_message_skip`: skips values of the given signature.
  static func skip(_ message: OpaquePointer, _ types: String) throws(BusError) {
    let result = types.withCString { sd_bus_message_skip(message, $0) }
    try check(result, "sd_bus_message_skip")
  }

  /// `sd_bus_message_rewind`: back to the start of the body (`complete`) or of the current container.
  static func rewind(_ message: OpaquePointer, complete: Bool) throws(BusError) {
    try check(sd_bus_message_rewind(message, complete ? 1 : 0), "sd_bus_message_rewind")
  }

  /// The header fields of a message (`sd_bus_message_get_*`).
  static func header(_ message: OpaquePointer) -> BusMessage.Header {
    func string(_ pointer: UnsafePointer<CChar>?) -> String? { pointer.map { String(cString: $0) } }
    var type: UInt8 = 0
    _ = sd_bus_message_get_type(message, &type)
    return BusMessage.Header(
      type: BusMessage.MessageType(rawValue: type) ?? .invalid,
      path: string(sd_bus_message_get_path(message)),
      interface: string(sd_bus_message_get_interface(message)),
      member: string(sd_bus_message_get_member(message)),
      sender: string(sd_bus_message_get_sender(message)),
      destination: string(sd_bus_message_get_destination(message)),
      signature: string(sd_bus_message_get_signature(message, 1)) ?? "")
  }

  // MARK: - Helpers

  private static func unwrap(_ pointer: OpaquePointer?, _ function: StaticString) throws(BusError) -> OpaquePointer {
    guard let pointer else { throw BusError(errno: EINVAL, function: "\(function) returned no object") }
    return pointer
  }

  private static func withOptionalCString<R>(_ string: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
    guard let string else { return body(nil) }
    return string.withCString { body($0) }
  }
}
