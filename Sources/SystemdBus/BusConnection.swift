#if canImport(Glibc)
import Glibc
#endif

/// A connection to a D-Bus bus or to a direct peer such as systemd's private socket
/// (`sd_bus`), closed and released in `deinit` (`sd_bus_flush_close_unref`).
///
/// Not thread-safe: use one connection from one task at a time.
public final class BusConnection {
  /// The connection handle; this object owns one reference to it.
  let pointer: OpaquePointer

  /// True when connected to a bus daemon (messages carry sender names, matches go to the daemon);
  /// false for a direct peer such as `unix:path=/run/systemd/private`.
  public let isBusClient: Bool

  /// The address this connection was opened with, when given explicitly.
  public let address: String?

  private init(pointer: OpaquePointer, address: String?) {
    self.pointer = pointer
    self.address = address
    self.isBusClient = CBus.isBusClient(pointer)
  }

  deinit {
    CBus.close(bus: pointer)
  }

  /// Opens a connection to `address` (`sd_bus_new`, `sd_bus_set_address`, `sd_bus_start`).
  ///
  /// - Parameters:
  ///   - address: a D-Bus address such as `unix:path=/run/cgipool/pool/systemd/private`.
  ///   - isBusClient: true for a bus daemon (sends `Hello`, `sd_bus_set_bus_client`); false for a
  ///     direct peer such as a systemd manager's private socket.
  public static func open(address: String, isBusClient: Bool = false) throws(BusError) -> BusConnection {
    let pointer = try CBus.open(address: address, isBusClient: isBusClient, description: "cgipool")
    return BusConnection(pointer: pointer, address: address)
  }

  /// Opens the system bus (`sd_bus_open_system`).
  public static func system() throws(BusError) -> BusConnection {
    BusConnection(pointer: try CBus.openSystem(), address: nil)
  }

  /// Opens the system bus of another machine, `host` being `[USER@]HOST[:PORT]`
  /// (`sd_bus_open_system_remote`, as `systemctl -H`): sd-bus runs `ssh -xT [-p PORT] -- [USER@]HOST
  /// systemd-stdio-bridge`, with the `ssh` found first on `PATH` and the options of the user's ssh
  /// configuration. The connection comes up in the background: call `waitUntilReady(timeout:)`
  /// before the first call, so an unreachable host costs at most that timeout.
  public static func systemRemote(host: String) throws(BusError) -> BusConnection {
    BusConnection(pointer: try CBus.openSystemRemote(host: host), address: nil)
  }

  /// True once the connection is authenticated and ready for calls (`sd_bus_is_ready`).
  public var isReady: Bool { CBus.isReady(pointer) }

  /// Drives the connection (`sd_bus_process`/`sd_bus_wait`) until it is ready, or throws
  /// `ETIMEDOUT` after `timeout` (sd-bus itself would wait for its own 90 s authentication timeout
  /// in the first call), or the error that closed it (e.g. ssh exiting: `ECONNRESET`).
  public func waitUntilReady(timeout: Duration) throws(BusError) {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while !isReady {
      try processAll()
      if isReady { return }
      guard isOpen else {
        throw BusError(errno: ECONNRESET, message: "the connection closed before it was ready", function: "waitUntilReady")
      }
      let remaining = clock.now.duration(to: deadline)
      guard remaining > .zero else {
        throw BusError(errno: ETIMEDOUT, message: "not connected within \(timeout)", function: "waitUntilReady")
      }
      try wait(timeout: remaining)
    }
  }

  /// Opens the calling user's session bus (`sd_bus_open_user`: `$DBUS_SESSION_BUS_ADDRESS`,
  /// else `$XDG_RUNTIME_DIR/bus`).
  public static func user() throws(BusError) -> BusConnection {
    BusConnection(pointer: try CBus.openUser(), address: nil)
  }

  /// True while the connection is open (`sd_bus_is_open`).
  public var isOpen: Bool { CBus.isOpen(pointer) }

  /// Creates a method call message (`sd_bus_message_new_method_call`); append arguments to it,
  /// then pass it to `call(_:timeout:)`.
  public func methodCall(destination: String?, path: String, interface: String?, member: String) throws(BusError) -> BusMessage {
    BusMessage(owning: try CBus.newMethodCall(bus: pointer, destination: destination, path: path, interface: interface, member: member))
  }

  /// Sends `message` and waits for the reply (`sd_bus_call`); a D-Bus error reply is thrown as a
  /// `BusError` carrying its name. Signals that arrive meanwhile are queued for `process()`.
  ///
  /// - Parameter timeout: how long to wait for the reply; nil for sd-bus's default (25 s).
  public func call(_ message: BusMessage, timeout: Duration? = nil) throws(BusError) -> BusMessage {
    BusMessage(owning: try CBus.call(bus: pointer, message: message.pointer, timeoutMicroseconds: timeout.map(Self.microseconds) ?? 0))
  }

  /// Dispatches one pending incoming message to its match handler (`sd_bus_process`); true when
  /// something was processed, so call it again until it returns false.
  @discardableResult
  public func process() throws(BusError) -> Bool {
    try CBus.process(bus: pointer)
  }

  /// Sends every message at once and collects the replies in order (`sd_bus_call_async` per
  /// message, then `sd_bus_process`/`sd_bus_wait` until all have answered): N calls cost about one
  /// round trip instead of N. A call the peer answered with an error yields that error.
  public func callPipelined(
    _ messages: [BusMessage], timeout: Duration = .seconds(25)
  ) throws(BusError) -> [Result<BusMessage, BusError>] {
    final class Replies {
      var values: [BusMessage?]
      var pending: Int
      init(count: Int) {
        values = Array(repeating: nil, count: count)
        pending = count
      }
    }
    let replies = Replies(count: messages.count)
    var boxes: [MatchHandlerBox] = []
    var slots: [OpaquePointer] = []
    defer { slots.forEach(CBus.release(slot:)) }
    for (index, message) in messages.enumerated() {
      let box = MatchHandlerBox { reply in
        if replies.values[index] == nil { replies.pending -= 1 }
        replies.values[index] = reply
      }
      boxes.append(box)
      slots.append(
        try CBus.callAsync(bus: pointer, message: message.pointer, box: box, timeoutMicroseconds: Self.microseconds(timeout)))
    }
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while replies.pending > 0 {
      try processAll()
      if replies.pending == 0 { break }
      let remaining = clock.now.duration(to: deadline)
      guard remaining > .zero else {
        throw BusError(errno: ETIMEDOUT, message: "\(replies.pending) pipelined call(s) did not answer", function: "callPipelined")
      }
      try wait(timeout: remaining)
    }
    withExtendedLifetime(boxes) {}
    return replies.values.map { reply in
      let reply = reply!
      if let error = CBus.replyError(reply.pointer) { return .failure(error) }
      return .success(reply)
    }
  }

  /// Dispatches every pending incoming message (`sd_bus_process` until it returns 0).
  public func processAll() throws(BusError) {
    while try CBus.process(bus: pointer) {}
  }

  /// Waits until there is something to process or the timeout elapses (`sd_bus_wait`); true when
  /// there is something. nil waits without limit.
  @discardableResult
  public func wait(timeout: Duration?) throws(BusError) -> Bool {
    try CBus.wait(bus: pointer, timeoutMicroseconds: timeout.map(Self.microseconds) ?? UInt64.max)
  }

  /// Writes out every queued outgoing message (`sd_bus_flush`).
  public func flush() throws(BusError) {
    try CBus.flush(bus: pointer)
  }

  /// Installs a match rule (`sd_bus_add_match`): `handler` runs from `process()` for each matching
  /// message until the returned `BusMatch` is released.
  public func addMatch(_ rule: String, handler: @escaping (BusMessage) -> Void) throws(BusError) -> BusMatch {
    let box = MatchHandlerBox(handler)
    let slot = try CBus.addMatch(bus: pointer, rule: rule, box: box)
    return BusMatch(connection: self, slot: slot, box: box, rule: rule)
  }

  /// Installs a match for a signal; `sender` is left out on a direct connection, where messages
  /// carry no sender and a sender rule would match nothing.
  public func addSignalMatch(
    sender: String?, path: String?, interface: String?, member: String?,
    handler: @escaping (BusMessage) -> Void
  ) throws(BusError) -> BusMatch {
    var parts = ["type='signal'"]
    if isBusClient, let sender { parts.append("sender='\(sender)'") }
    if let path { parts.append("path='\(path)'") }
    if let interface { parts.append("interface='\(interface)'") }
    if let member { parts.append("member='\(member)'") }
    return try addMatch(parts.joined(separator: ","), handler: handler)
  }

  static func microseconds(_ duration: Duration) -> UInt64 {
    let (seconds, attoseconds) = duration.components
    guard seconds >= 0 else { return 1 }
    // Round up so a tiny positive timeout never becomes 0 (which sd-bus reads as "default").
    let micros = UInt64(seconds) &* 1_000_000 &+ UInt64(max(attoseconds, 0) / 1_000_000_000_000)
    return max(micros, 1)
  }
}
