#if canImport(Glibc)
  @preconcurrency import Glibc
#endif

/// How standard output behaves.
enum StandardOutput {
  /// Line-buffers stdout even when it is a file or a pipe, so progress and monitor lines
  /// reach a log or a supervising process as they happen.
  static func lineBuffered() {
    setvbuf(stdout, nil, _IOLBF, 0)
  }
}
