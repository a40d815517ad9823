/// What the compiler needs to know about the machine it compiles for.
public struct CompileOptions: Sendable {
  /// The absolute path of the `cgipool` binary that runs health probes.
  public var probeExecutable: String
  /// The `PATH` used to resolve bare commands such as `python3`.
  public var searchPath: String
  /// Where each process's output is appended (`<dir>/<process>.log`); `nil` leaves output to the journal.
  public var logDirectory: String?
  /// With no `logDirectory`: say `StandardOutput=journal`/`StandardError=journal` explicitly, so
  /// output reaches journald even where the manager's default output is something else.
  public var journalOutput: Bool
  /// The manager's version (`systemd --version`), enabling newer settings such as `RestartSteps=`.
  public var managerVersion: Int?
  /// The bus address the pool's health unit uses to reach the manager; `nil` lets it find its own.
  public var busAddress: String?
  /// The folder the pool's health unit writes its state file in (`HealthStateLocation`); the
  /// hardened health unit may write there and nowhere else. `nil` when it is not known.
  public var healthStateDirectory: String?
  /// Whether the units run under a manager without root (a user manager of an ordinary user):
  /// the sandbox then leaves out what such a manager cannot apply and adds `PrivateUsers=`, through
  /// which alone it applies the mount settings (see `SandboxMapper`).
  public var unprivilegedManager = false
  /// The target the pool's target is wanted by (`[Install] WantedBy=`): `default.target`, or
  /// `multi-user.target` for units installed into the system manager.
  public var wantedBy: String = "default.target"
  /// Answers questions about the file system; replaceable so compiles are reproducible in tests.
  public var fileSystem: any FileSystemInspecting

  /// Creates options; by default bare commands resolve against the real file system.
  public init(
    probeExecutable: String,
    searchPath: String = "/usr/local/bin:/usr/bin:/bin",
    logDirectory: String? = nil,
    journalOutput: Bool = false,
    managerVersion: Int? = nil,
    busAddress: String? = nil,
    fileSystem: any FileSystemInspecting = LocalFileSystem()
  ) {
    self.probeExecutable = probeExecutable
    self.searchPath = searchPath
    self.logDirectory = logDirectory
    self.journalOutput = journalOutput
    self.managerVersion = managerVersion
    self.busAddress = busAddress
    self.fileSystem = fileSystem
  }
}
