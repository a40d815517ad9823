import SystemdBus
import Testing

/// Unit object paths: the escaping systemd applies, and its inverse.
@Suite struct UnitPathTests {
  @Test(arguments: ["cgipool-web.service", "9lives.service", "a_b-c.liveness.timer", "x@y.scope", "日本.service"])
  func pathAndNameRoundTrip(name: String) {
    let path = SystemdManager.unitPath(forName: name)
    #expect(path.hasPrefix("/org/freedesktop/systemd1/unit/"))
    #expect(path.dropFirst("/org/freedesktop/systemd1/unit/".count).allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
    #expect(SystemdManager.unitName(fromPath: path) == name)
  }

  @Test func knownEscapes() {
    #expect(SystemdManager.unitPath(forName: "a.service") == "/org/freedesktop/systemd1/unit/a_2eservice")
    #expect(SystemdManager.unitPath(forName: "1.service") == "/org/freedesktop/systemd1/unit/_31_2eservice")
    #expect(SystemdManager.unitName(fromPath: "/org/freedesktop/systemd1/job/1") == nil)
  }
}
