import CgiPoolRuntime
import Testing

/// Which manager the pool's health unit talks to when its unit carries no bus address.
@Suite struct ManagerEndpointServiceTests {
  @Test func aUserManagersServiceTalksToThatUserManagerEvenAsRoot() {
    // systemd --user sets MANAGERPID for its services; root's user manager is not the system manager.
    #expect(ManagerEndpoint.runningThisService(environment: ["MANAGERPID": "4242"], uid: 0).kind == .user)
    #expect(ManagerEndpoint.runningThisService(environment: ["MANAGERPID": "4242"], uid: 1000).kind == .user)
  }

  @Test func withoutMANAGERPIDRootMeansTheSystemManager() {
    #expect(ManagerEndpoint.runningThisService(environment: [:], uid: 0).kind == .system)
    #expect(ManagerEndpoint.runningThisService(environment: ["MANAGERPID": ""], uid: 0).kind == .system)
    #expect(ManagerEndpoint.runningThisService(environment: [:], uid: 1000).kind == .user)
  }
}
