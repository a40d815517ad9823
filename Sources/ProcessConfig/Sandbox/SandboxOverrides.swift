/// The fields one `sandbox` value sets; the rest come from the level above (the pool, then `Sandbox()`).
struct SandboxOverrides: Sendable, Equatable {
  var level: SandboxLevel?
  var writable: [String]?
  var capabilities: [Capability]?
  var user: String?
  var dynamicUser: Bool?
  var memoryDenyWriteExecute: Bool?

  /// `base` with every field this value sets replaced.
  func applied(to base: Sandbox) -> Sandbox {
    var sandbox = base
    if let level { sandbox.level = level }
    if let writable { sandbox.writable = writable }
    if let capabilities { sandbox.capabilities = capabilities }
    if let user { sandbox.user = user }
    if let dynamicUser { sandbox.dynamicUser = dynamicUser }
    if let memoryDenyWriteExecute { sandbox.memoryDenyWriteExecute = memoryDenyWriteExecute }
    return sandbox
  }
}
