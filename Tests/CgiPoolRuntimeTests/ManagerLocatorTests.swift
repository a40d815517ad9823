import CgiPoolRuntime
import Testing

@Suite("ManagerLocator and PrivateManager paths")
struct ManagerLocatorTests {
  @Test("The runtime folder comes from the argument, then CGIPOOL_RUNTIME_DIR, then /run/cgipool/<pool>")
  func runtimeDirectoryResolution() {
    let environment = ["CGIPOOL_RUNTIME_DIR": "/tmp/from-env"]
    #expect(PrivateManager.resolve(pool: "web", runtimeDirectory: "/tmp/explicit", environment: environment).runtimeDirectory == "/tmp/explicit")
    #expect(PrivateManager.resolve(pool: "web", environment: environment).runtimeDirectory == "/tmp/from-env")
    #expect(PrivateManager.resolve(pool: "web", environment: [:]).runtimeDirectory == "/run/cgipool/web")
    #expect(PrivateManager.resolve(pool: "web", environment: ["CGIPOOL_RUNTIME_DIR": ""]).runtimeDirectory == "/run/cgipool/web")
  }

  @Test("Cgroup names are readable under /run/cgipool and unique elsewhere")
  func cgroupNames() {
    #expect(PrivateManager(runtimeDirectory: "/run/cgipool/web").cgroupName == "cgipool-web")
    let a = PrivateManager(runtimeDirectory: "/tmp/a/x").cgroupName
    let b = PrivateManager(runtimeDirectory: "/tmp/b/x").cgroupName
    #expect(a.hasPrefix("cgipool-x-"))
    #expect(a != b)
    #expect(PrivateManager(runtimeDirectory: "/tmp/a/x/").cgroupName == a)
    #expect(PrivateManager(runtimeDirectory: "/tmp/we ird", cgroupName: "given").cgroupName == "given")
  }

  @Test("The bus address points at the private socket, escaped")
  func busAddress() {
    #expect(PrivateManager(runtimeDirectory: "/run/cgipool/web").busAddress == "unix:path=/run/cgipool/web/systemd/private")
    #expect(PrivateManager(runtimeDirectory: "/tmp/a b,c").busAddress == "unix:path=/tmp/a%20b%2cc/systemd/private")
  }

  @Test("Explicit selections map to endpoints without probing")
  func explicitSelections() {
    let host = ManagerLocator.Host(isRoot: false, bootedWithSystemd: false)
    #expect(ManagerLocator(selection: .system, host: host).candidate() == .system)
    #expect(ManagerLocator(selection: .user, host: host).candidate() == .user)
    let direct = ManagerLocator(selection: .bus("unix:path=/x/systemd/private"), host: host).candidate()
    #expect(direct?.isBusClient == false)
    #expect(direct?.kind == .address)
    let bus = ManagerLocator(selection: .bus("unix:path=/run/user/0/bus"), host: host).candidate()
    #expect(bus?.isBusClient == true)
  }

  @Test("Automatic selection prefers the system manager for root on a systemd host")
  func automaticPrefersSystem() {
    let host = ManagerLocator.Host(isRoot: true, bootedWithSystemd: true)
    #expect(ManagerLocator(selection: .automatic, host: host).candidate() == .system)
  }

  @Test("Endpoint descriptions name the manager")
  func descriptions() {
    #expect(ManagerEndpoint.system.description == "system manager")
    #expect(ManagerEndpoint.user.description == "user manager")
    let endpoint = ManagerEndpoint(kind: .privateManager, address: "unix:path=/r/systemd/private", isBusClient: false, runtimeDirectory: "/r", pid: 5)
    #expect(endpoint.description == "private manager at /r")
  }
}
