import Foundation

#if canImport(Glibc)
  import Glibc
#endif

extension ManagerEndpoint {
  /// The manager that runs the calling service, for a unit compiled without a bus address
  /// (the pool's health unit under the system manager or a user manager).
  ///
  /// A user manager sets `MANAGERPID` in its services' environment and the system manager does
  /// not, so root's own user manager (or a manager reached as the user's bus) is not mistaken
  /// for the system manager. Without it: the system manager for root, else the user's.
  public static func runningThisService(
    environment: [String: String] = ProcessInfo.processInfo.environment, uid: uid_t = getuid()
  ) -> ManagerEndpoint {
    if let managerPID = environment["MANAGERPID"], !managerPID.isEmpty { return .user }
    return uid == 0 ? .system : .user
  }
}
