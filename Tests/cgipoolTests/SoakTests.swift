import CgiPoolTestSupport
import Foundation
import Testing

/// The short soak (issue 13): `ops/soak/soak.py` for 60 s instead of `make soak`'s 10 minutes.
/// The demo pool under `ab` load takes one SIGSTOP past a liveness threshold, then a `kill -9`; afterwards every process is healthy, no count of processes, units, cgroups or
/// descriptors grew, and after the stop nothing is left (the script checks `/proc`, the cgroups,
/// the runtime folder and the ports, and exits non-zero otherwise).
@Suite(.enabled(if: PrivateManagerFixture.enabled), .demoPorts, .orphanScan) struct SoakTests {
  @Test func shortSoakLeavesNothingAndLeaksNothing() throws {
    let root = CgiPoolBinary.packageRoot.path
    let report = NSTemporaryDirectory() + "cgipool-soak-" + UUID().uuidString + ".json"
    defer { try? FileManager.default.removeItem(atPath: report) }
    let run = try HostCommand.run(
      ["/usr/bin/env", "CGIPOOL=" + CgiPoolBinary.executable.path, "python3", root + "/ops/soak/soak.py", "--duration", "60",
       "--json", report], timeout: 600)
    #expect(run.status == 0, "\(run)")
    let data = try Data(contentsOf: URL(fileURLWithPath: report))
    let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let faults = document["faults"] as? [String] ?? []
    #expect(faults.contains { $0.hasPrefix("kill -9 ") }, "\(faults)")
    #expect(faults.contains { $0.hasPrefix("SIGSTOP ") && $0.contains("restarted by its liveness check") }, "\(faults)")
    let before = try #require(document["before"] as? [String: Any])
    let after = try #require(document["after"] as? [String: Any])
    #expect(before.keys.sorted() == after.keys.sorted())
    for (key, value) in before {
      let counted = try #require(value as? Int, "\(key) was not counted: \(before)")
      #expect((after[key] as? Int).map { $0 <= counted } == true, "\(key): \(counted) -> \(String(describing: after[key]))")
    }
    #expect((document["problems"] as? [Any])?.isEmpty == true, "\(document)")
  }
}
