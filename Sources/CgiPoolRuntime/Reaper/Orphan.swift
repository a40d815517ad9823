/// A process that matches one of the pool's patterns but runs outside the pool's units.
public struct Orphan: Sendable, Equatable {
  /// The process, with its start time to guard against PID reuse.
  public var identity: ProcessIdentity
  /// Its real user ID.
  public var uid: UInt32
  /// The name of that user, `nil` when the user database has none.
  public var userName: String?
  /// Its argv as read from `/proc/PID/cmdline`.
  public var argv: [String]
  /// The pattern it matched, as written in the config.
  public var pattern: String
  /// Its process group and session IDs at scan time.
  public var processGroup: Int32
  /// Its session ID at scan time.
  public var session: Int32
  /// Processes that go with it, sorted: its transitive children at scan time,
  /// plus the members of its process group and session when it leads them
  /// (which catches double-forked daemons reparented elsewhere), with their
  /// own children; never a pool member, a protected process or (unless asked)
  /// another user's process.
  public var descendants: [ProcessIdentity]
  /// Why it must not be signalled, when it must not.
  public var skipReason: SkipReason?

  /// Creates an orphan record.
  public init(
    identity: ProcessIdentity, uid: UInt32, userName: String?, argv: [String], pattern: String,
    processGroup: Int32, session: Int32, descendants: [ProcessIdentity], skipReason: SkipReason? = nil
  ) {
    self.identity = identity
    self.uid = uid
    self.userName = userName
    self.argv = argv
    self.pattern = pattern
    self.processGroup = processGroup
    self.session = session
    self.descendants = descendants
    self.skipReason = skipReason
  }

  /// The process ID.
  public var pid: Int32 { identity.pid }

  /// The argv joined with spaces, as `ps` shows it.
  public var commandLine: String { argv.joined(separator: " ") }

  /// The orphan followed by its descendants: everything a terminator signals.
  public var processes: [ProcessIdentity] { [identity] + descendants }
}
