import CgiPoolRuntime
import CgiPoolTestSupport
import Foundation
import Testing

/// `stop_signal` on a real manager: a program that stops gracefully only on its own signal
/// (here SIGQUIT, as nginx and gunicorn do) is stopped with it, not killed after the timeout.
@Suite(.enabled(if: PrivateManagerFixture.enabled)) struct StopSignalTests {
  /// Ignores SIGTERM; on SIGQUIT logs "graceful" and exits 0. One process, no child: SIGQUIT's
  /// default action (a core dump) would otherwise hit the children the signal also reaches.
  static let script = """
    import signal, sys, time
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    def graceful(*_):
        print("graceful", flush=True)
        sys.exit(0)
    signal.signal(signal.SIGQUIT, graceful)
    print("up", flush=True)
    while True:
        time.sleep(0.1)
    """

  static func config(signal: String?) -> String {
    let setting = signal.map { #", "stop_signal": "\#($0)""# } ?? ""
    return """
      {"name": "i15sig", "processes": {"web": {"command": ["python3", "-c", \(RuntimeHarness.quote(script))],
        "restart_policy": "no", "stop_timeout": 2\(setting)}}}
      """
  }

  @Test func theConfiguredSignalStopsItGracefully() throws {
    try RuntimeHarness.withPool(Self.config(signal: "SIGQUIT")) { context in
      #expect(try context.runtime.start().succeeded)
      let log = context.folder + "/logs/web.log"
      #expect(RuntimeHarness.eventually { (try? String(contentsOfFile: log, encoding: .utf8))?.contains("up") == true })
      let report = try context.runtime.stop()
      #expect(report.results.map(\.outcome) == [.stopped], "\(report.results)")
      #expect(((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("graceful"))
    }
  }

  /// The control: the same program under the default SIGTERM ignores it and is killed.
  @Test func withoutItTheProgramIsKilledAfterItsTimeout() throws {
    try RuntimeHarness.withPool(Self.config(signal: nil)) { context in
      #expect(try context.runtime.start().succeeded)
      let log = context.folder + "/logs/web.log"
      #expect(RuntimeHarness.eventually { (try? String(contentsOfFile: log, encoding: .utf8))?.contains("up") == true })
      let report = try context.runtime.stop()
      #expect(report.results.map(\.outcome) == [.killed], "\(report.results)")
      #expect(!((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("graceful"))
    }
  }
}
