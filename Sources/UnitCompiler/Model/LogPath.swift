/// Where a process's output goes when logs are kept in files: the one rule for
/// `<directory>/<process>.log`, used by the units, `status`, `logs` and the probe-line reader.
public enum LogPath {
  /// `<directory>/<process>.log`; a `directory` written with a trailing `/` gets no second one.
  public static func file(process: String, in directory: String) -> String {
    directory.hasSuffix("/") ? directory + process + ".log" : directory + "/" + process + ".log"
  }
}
