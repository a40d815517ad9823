import Testing

@testable import CgiPoolRuntime

/// Membership is read from cgroup paths, on v2, hybrid and legacy hosts.
@Suite struct PoolMembershipTests {
  let pool = PoolMembership(poolName: "cgipool")

  @Test func unifiedLine() {
    #expect(pool.contains(cgroupFile: "0::/cgipool.slice/cgipool-web.service\n") == true)
    #expect(pool.contains(cgroupFile: "0::/user.slice/user-0.slice/session-3.scope\n") == false)
    #expect(pool.contains(cgroupFile: "0::/\n") == false)
  }

  @Test func hybridHostsConsultNameSystemd() {
    let inside = "12:memory:/x\n1:name=systemd:/cgipool.slice/cgipool-api.service\n0::/\n"
    #expect(pool.contains(cgroupFile: inside) == true)
    let outside = "12:memory:/cgipool.slice\n1:name=systemd:/user.slice/session-1.scope\n0::/user.slice/session-1.scope\n"
    #expect(pool.contains(cgroupFile: outside) == false, "other controllers' paths do not count")
  }

  @Test func undecidableWithoutTrackingLines() {
    #expect(pool.contains(cgroupFile: "4:memory:/cgipool.slice\n") == nil)
    #expect(pool.contains(cgroupFile: "") == nil)
  }

  @Test(arguments: [
    ("/cgipool.slice", true),
    ("/system.slice/cgipool-web.service", true),
    ("/system.slice/cgipool.service", true),
    ("/system.slice/cgipool@2.service", true),
    ("/cgipool.slice/cgipool-workers.slice/cgipool-workers-a.service", true),
    ("/user.slice/user-0.slice/user@0.service/app.slice/cgipool-x.scope", true),
    ("/system.slice/mycgipool-web.service", false),
    ("/system.slice/cgipoolx.service", false),
    ("/system.slice/cgipool-.service", false),
    ("/cgipool.slicex/a.service", false),
    ("/cgipool-web.service.d/a", false),
    ("/system.slice/cgipool.target", false),
    ("/user.slice/session-4.scope", false),
    // The orphan scopes ScopeTerminator creates hold orphans, not members...
    ("/app.slice/cgipool-orphans-1a2b3c4d.scope", false),
    ("/init.scope/../cgipool-orphans-x.scope", false),
    // ...but only scopes named so, and never inside the pool's slice.
    ("/cgipool.slice/cgipool-orphans-1a2b3c4d.scope", true),
    ("/app.slice/cgipool-orphans.scope", true),
    ("/app.slice/cgipool-orphans-.scope", true),
    ("/system.slice/cgipool-orphans-web.service", true),
  ])
  func paths(_ path: String, _ expected: Bool) {
    #expect(pool.contains(cgroupPath: path) == expected)
  }
}
