/// The hardening of one process (`sandbox`), with every field filled in.
///
/// A process's `sandbox` overrides the pool's, field by field; a pool without one gets
/// `Sandbox()` (level `default`).
public struct Sandbox: Sendable, Equatable {
  /// How much is taken away.
  public var level: SandboxLevel
  /// Paths the process may write under a read-only file system (`ReadWritePaths=`), as written
  /// in the config: absolute, or relative to the config's folder.
  public var writable: [String]
  /// Capabilities the process keeps (`CapabilityBoundingSet=`, `AmbientCapabilities=`); none by default.
  public var capabilities: [Capability]
  /// The user the process runs as (`User=`); `nil` runs it as the manager's user.
  public var user: String?
  /// Whether systemd allocates a throw-away user for the process (`DynamicUser=`).
  public var dynamicUser: Bool
  /// Whether writable and executable memory is refused (`MemoryDenyWriteExecute=`); a JIT
  /// (Node.js, .NET, Java, LuaJIT) needs it off.
  public var memoryDenyWriteExecute: Bool

  /// Creates a sandbox; the defaults are the pool default of a config without `sandbox`.
  public init(
    level: SandboxLevel = .default,
    writable: [String] = [],
    capabilities: [Capability] = [],
    user: String? = nil,
    dynamicUser: Bool = false,
    memoryDenyWriteExecute: Bool = true
  ) {
    self.level = level
    self.writable = writable
    self.capabilities = capabilities
    self.user = user
    self.dynamicUser = dynamicUser
    self.memoryDenyWriteExecute = memoryDenyWriteExecute
  }
}
