import ProcessConfig

/// A `cgipool` command run on a remote host over plain `ssh`, for what systemd's D-Bus transport
/// does not carry: the journal (`logs`) and the remote `/proc` (`cleanup`).
///
/// ssh joins its arguments into one line for the remote user's shell, so every word is quoted
/// here once (POSIX single quotes) and arrives unchanged.
public struct RemoteCommand: Sendable, Equatable {
  /// Where to run it.
  public var host: RemoteHost
  /// The remote command's argv, e.g. `["/usr/local/bin/cgipool", "logs", "web"]`.
  public var arguments: [String]
  /// Seconds ssh may take to connect (`-o ConnectTimeout=`).
  public var connectTimeout: Double

  /// Creates a remote command.
  public init(host: RemoteHost, arguments: [String], connectTimeout: Double) {
    self.host = host
    self.arguments = arguments
    self.connectTimeout = connectTimeout
  }

  /// The local argv: `ssh -o ConnectTimeout=S [-p PORT] [USER@]HOST -- 'word' 'word'...`; `ssh`
  /// is looked up on `PATH` like sd-bus's own, and reads the same ssh configuration.
  public var sshArgv: [String] {
    let seconds = max(1, Int(connectTimeout.rounded(.up)))
    return ["ssh", "-o", "ConnectTimeout=\(seconds)"] + host.sshArguments + ["--", arguments.map(Self.shellQuoted).joined(separator: " ")]
  }

  /// `word` in POSIX single quotes (an embedded `'` becomes `'\''`).
  public static func shellQuoted(_ word: String) -> String {
    "'" + word.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
  }
}
