import ProcessConfig
import Testing

/// `stop_signal`: one of the graceful-stop signals by its full name, SIGTERM when absent.
@Suite struct StopSignalConfigTests {
  static func config(_ signal: String) -> String {
    #"{"processes": {"web": {"command": ["/bin/web"], "stop_signal": \#(signal)}}}"#
  }

  @Test(arguments: StopSignal.allCases) func everyListedSignalIsAccepted(_ signal: StopSignal) throws {
    let pool = try ConfigText.parse(Self.config("\"\(signal.rawValue)\""))
    #expect(pool.processes["web"]?.stopSignal == signal)
  }

  @Test func absentMeansSIGTERM() throws {
    let pool = try ConfigText.parse(#"{"processes": {"web": {"command": ["/bin/web"]}}}"#)
    #expect(pool.processes["web"]?.stopSignal == .term)
    #expect(StopSignal.term.number == 15)
  }

  @Test func anythingElseIsRejectedWithItsPathAndTheValidNames() {
    #expect(ConfigText.problems(Self.config("\"SIGSTOP\"")) == [
      #"processes.web.stop_signal: unknown stop signal "SIGSTOP" (expected one of: SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2, SIGWINCH, SIGKILL)"#
    ])
    // The config spells each signal one way; the importers accept the other spellings.
    #expect(ConfigText.problems(Self.config("\"TERM\"")).first?.hasPrefix("processes.web.stop_signal: unknown stop signal \"TERM\"") == true)
    #expect(ConfigText.problems(Self.config("15")).first?.hasPrefix("processes.web.stop_signal: expected a string") == true)
  }

  @Test func importersReadTheOtherSpellings() {
    #expect(StopSignal(lenient: "TERM") == .term)
    #expect(StopSignal(lenient: "quit") == .quit)
    #expect(StopSignal(lenient: "SIGINT") == .int)
    #expect(StopSignal(lenient: "2") == .int)
    #expect(StopSignal(lenient: "28") == .winch)
    #expect(StopSignal(lenient: "STOP") == nil)
    #expect(StopSignal(lenient: "19") == nil)
    #expect(StopSignal(lenient: "") == nil)
  }
}
