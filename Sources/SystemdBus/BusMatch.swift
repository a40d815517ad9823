/// An installed match rule (an `sd_bus_slot` from `sd_bus_add_match`); releasing it removes the
/// match.
public final class BusMatch {
  /// The rule text, for diagnostics.
  public let rule: String
  // The connection must outlive the slot; the box must outlive every callback from the slot.
  private let connection: BusConnection
  private let slot: OpaquePointer
  private let box: MatchHandlerBox

  init(connection: BusConnection, slot: OpaquePointer, box: MatchHandlerBox, rule: String) {
    self.connection = connection
    self.slot = slot
    self.box = box
    self.rule = rule
  }

  deinit {
    // Unref the slot first so no callback can reach the box once it is freed.
    CBus.release(slot: slot)
  }
}

/// Holds a match handler; passed to C as unretained userdata.
final class MatchHandlerBox {
  private let handler: (BusMessage) -> Void

  init(_ handler: @escaping (BusMessage) -> Void) {
    self.handler = handler
  }

  func deliver(_ message: BusMessage) {
    handler(message)
  }
}
