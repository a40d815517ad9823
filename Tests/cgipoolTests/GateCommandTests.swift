import Foundation
import Testing

/// `cgipool gate` without `--bus` asks the manager that runs it: a user manager (which sets
/// `MANAGERPID`, root's own included) over the user bus, the system manager otherwise.
@Suite struct GateCommandTests {
  /// The gate's answer when neither bus can be reached (both addresses name nothing), so the
  /// error says which one it tried.
  static func attempt(_ environment: [String: String]) throws -> CgiPoolRun {
    let nowhere = "unix:path=/nonexistent/cgipool-gate-test-\(UUID().uuidString)"
    return try CgiPoolBinary.run(
      ["gate", "--healthy", "x.service", "--timeout", "1"],
      environment: ["DBUS_SYSTEM_BUS_ADDRESS": nowhere, "DBUS_SESSION_BUS_ADDRESS": nowhere, "MANAGERPID": ""]
        .merging(environment) { $1 })
  }

  @Test func underAUserManagerItAsksTheUserBusEvenAsRoot() throws {
    let run = try Self.attempt(["MANAGERPID": "1"])
    #expect(run.status == 1)
    #expect(run.stdout.contains("gate: not starting: cannot read the dependencies' states"), "\(run)")
    #expect(run.stdout.contains("sd_bus_open_user"), "\(run)")
  }

  @Test(.enabled(if: getuid() == 0, "root without MANAGERPID means the system manager")) func asRootOutsideAUserManagerItAsksTheSystemBus() throws {
    let run = try Self.attempt([:])
    #expect(run.status == 1)
    #expect(run.stdout.contains("sd_bus_open_system"), "\(run)")
  }
}
