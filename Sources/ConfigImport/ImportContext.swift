/// What an importer may know about the world, passed in so the importers stay pure.
public struct ImportContext: Sendable, Equatable {
  /// The imported file as the user named it (used in findings and errors).
  public var file: String
  /// The absolute folder of the imported file (supervisord's `%(here)s`).
  public var directory: String
  /// The environment of the importing user (supervisord's `%(ENV_X)s`).
  public var environment: [String: String]
  /// This machine's name (supervisord's `%(host_node_name)s`).
  public var hostName: String
  /// foreman's first `PORT` (`foreman start -p`), 5000 by default.
  public var basePort: Int

  /// Creates a context.
  public init(
    file: String, directory: String, environment: [String: String] = [:], hostName: String = "localhost",
    basePort: Int = 5000
  ) {
    self.file = file
    self.directory = directory
    self.environment = environment
    self.hostName = hostName
    self.basePort = basePort
  }
}
