import SystemdBus
import Testing

@Suite("BusValue and BusError")
struct BusValueTests {
  @Test("Signatures of nested values")
  func signatures() {
    #expect(BusValue.string("x").signature == "s")
    #expect(BusValue.bool(true).signature == "b")
    #expect(BusValue.strings([]).signature == "as")
    #expect(BusValue.dictionary([("A", .uint32(1))]).signature == "a{sv}")
    let execStart = BusValue.array("(sasb)", [.struct([.string("/bin/true"), .strings(["/bin/true"]), .bool(false)])])
    #expect(execStart.signature == "a(sasb)")
    #expect(BusValue.variant(.uint64(3)) == .variant("t", .uint64(3)))
    #expect(BusValue.struct([.objectPath("/"), .int32(-1), .double(0.5)]).signature == "(oid)")
  }

  @Test("Accessors see through variants")
  func accessors() {
    let value = BusValue.variant(.variant(.uint32(7)))
    #expect(value.uint64Value == 7)
    #expect(value.int64Value == 7)
    #expect(value.stringValue == nil)
    #expect(BusValue.int32(-1).uint64Value == nil)
    let dictionary = BusValue.dictionary([("Name", .string("a")), ("Count", .uint32(2))]).dictionaryValue
    #expect(dictionary?["Name"]?.stringValue == "a")
    #expect(dictionary?["Count"]?.uint64Value == 2)
    #expect(BusValue.strings(["a"]).dictionaryValue == nil)
  }

  @Test("Error helpers classify by D-Bus name and errno")
  func errors() {
    let noSuchUnit = BusError(errno: 2, name: BusError.Name.noSuchUnit, message: "Unit x.service not loaded.")
    #expect(noSuchUnit.isNoSuchUnit)
    #expect(!noSuchUnit.isAccessDenied)
    #expect(noSuchUnit.description == "Unit x.service not loaded. (org.freedesktop.systemd1.NoSuchUnit)")
    #expect(BusError(errno: 13, message: "denied").isAccessDenied)
    #expect(BusError(errno: 111, message: "refused").isDisconnected)
  }

  @Test("Opening a socket that does not exist is a disconnected error")
  func openMissingSocket() {
    let error = #expect(throws: BusError.self) {
      _ = try BusConnection.open(address: "unix:path=/nonexistent/cgipool/private")
    }
    #expect(error?.isDisconnected == true)
  }
}
