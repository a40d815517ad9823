import ProcessConfig
import Testing

@testable import CgiPoolRuntime

/// Pure matching tests: each default pattern against argvs it must catch and look-alikes it must not.
@Suite struct OrphanPatternTests {
  /// An argv and whether the pattern must match it.
  struct Case: CustomTestStringConvertible, Sendable {
    var pattern: String
    var argv: [String]
    var matches: Bool
    var testDescription: String { "\(pattern) \(matches ? "~" : "!~") \(argv)" }
  }

  static let defaultCases: [Case] = [
    // *.cgi: the program is the cgi, directly or through an interpreter.
    Case(pattern: "*.cgi", argv: ["/srv/cgi-bin/echo.cgi"], matches: true),
    Case(pattern: "*.cgi", argv: ["./echo.cgi", "--port", "9000"], matches: true),
    Case(pattern: "*.cgi", argv: ["python3", "/x/form.cgi"], matches: true),
    Case(pattern: "*.cgi", argv: ["/usr/bin/perl", "-w", "/srv/cgi-bin/env.cgi"], matches: true),
    Case(pattern: "*.cgi", argv: ["/bin/sh", "-e", "run.cgi"], matches: true),
    Case(pattern: "*.cgi", argv: ["env", "PORT=1", "-u", "HOME", "./a.cgi"], matches: true),
    Case(pattern: "*.cgi", argv: ["tail", "-f", "/var/log/echo.cgi"], matches: false),
    Case(pattern: "*.cgi", argv: ["vim", "echo.cgi"], matches: false),
    Case(pattern: "*.cgi", argv: ["/srv/echo.cgix"], matches: false),
    Case(pattern: "*.cgi", argv: ["/srv/echo.cgi/run"], matches: false),
    Case(pattern: "*.cgi", argv: ["sh", "-c", "./echo.cgi", "x.cgi"], matches: false),
    Case(pattern: "*.cgi", argv: ["bash", "-ec", "echo.cgi"], matches: false),
    Case(pattern: "*.cgi", argv: ["python3", "-c", "import x", "a.cgi"], matches: false),
    // sample_*_cgi.py: a python service, whatever interpreter options come first.
    Case(pattern: "sample_*_cgi.py", argv: ["python3", "/x/sample_a_cgi.py"], matches: true),
    Case(pattern: "sample_*_cgi.py", argv: ["/usr/bin/python3.11", "-u", "-W", "ignore", "sample_echo_cgi.py", "8001"], matches: true),
    Case(pattern: "sample_*_cgi.py", argv: ["/x/sample_b_cgi.py"], matches: true),
    Case(pattern: "sample_*_cgi.py", argv: ["python3", "-m", "sample_a_cgi.py"], matches: false),
    Case(pattern: "sample_*_cgi.py", argv: ["python3", "-c", "pass", "sample_a_cgi.py"], matches: false),
    Case(pattern: "sample_*_cgi.py", argv: ["python3", "/x/mysample_a_cgi.py"], matches: false),
    Case(pattern: "sample_*_cgi.py", argv: ["python3", "/x/sample_a_cgi.pyc"], matches: false),
    Case(pattern: "sample_*_cgi.py", argv: ["python3", "/x/sample_a/b_cgi.py"], matches: false),
    Case(pattern: "sample_*_cgi.py", argv: ["less", "sample_a_cgi.py"], matches: false),
    // dotnet-script *.csx: the tool, then a script somewhere after it.
    Case(pattern: "dotnet-script *.csx", argv: ["dotnet-script", "/x/a.csx"], matches: true),
    Case(pattern: "dotnet-script *.csx", argv: ["/usr/bin/dotnet-script", "a.csx"], matches: true),
    Case(pattern: "dotnet-script *.csx", argv: ["/root/.dotnet/tools/dotnet-script", "-d", "--no-cache", "main.csx", "--", "x"], matches: true),
    Case(pattern: "dotnet-script *.csx", argv: ["dotnet-script", "a.cs"], matches: false),
    Case(pattern: "dotnet-script *.csx", argv: ["dotnet-script"], matches: false),
    Case(pattern: "dotnet-script *.csx", argv: ["cat", "dotnet-script", "a.csx"], matches: false),
    Case(pattern: "dotnet-script *.csx", argv: ["my-dotnet-script", "a.csx"], matches: false),
    Case(pattern: "dotnet-script *.csx", argv: ["dotnet", "a.csx"], matches: false),
    // pool/manager.py: a path suffix on a component boundary.
    Case(pattern: "pool/manager.py", argv: ["python3", "pool/manager.py", "--port", "8001"], matches: true),
    Case(pattern: "pool/manager.py", argv: ["/usr/bin/python3", "/abs/ops/demo/pool/manager.py"], matches: true),
    Case(pattern: "pool/manager.py", argv: ["/abs/ops/demo/pool/manager.py"], matches: true),
    Case(pattern: "pool/manager.py", argv: ["python3", "mypool/manager.py"], matches: false),
    Case(pattern: "pool/manager.py", argv: ["python3", "pool/manager.pyc"], matches: false),
    Case(pattern: "pool/manager.py", argv: ["python3", "manager.py"], matches: false),
    Case(pattern: "pool/manager.py", argv: ["python3", "pool/manager.py/x"], matches: false),
    Case(pattern: "pool/manager.py", argv: ["git", "diff", "pool/manager.py"], matches: false),
    // dotnet run *8080: later words may skip intervening arguments, in order.
    Case(pattern: "dotnet run *8080", argv: ["dotnet", "run", "--urls", "http://localhost:8080"], matches: true),
    Case(pattern: "dotnet run *8080", argv: ["/usr/share/dotnet/dotnet", "run", "--project", "web", "--urls=http://0.0.0.0:8080"], matches: true),
    Case(pattern: "dotnet run *8080", argv: ["dotnet", "run", "8080"], matches: true),
    Case(pattern: "dotnet run *8080", argv: ["dotnet", "run", "--urls", "http://localhost:9090"], matches: false),
    Case(pattern: "dotnet run *8080", argv: ["dotnet", "build", "--urls", "http://localhost:8080"], matches: false),
    Case(pattern: "dotnet run *8080", argv: ["dotnet", "--urls", "http://localhost:8080", "run"], matches: false),
    Case(pattern: "dotnet run *8080", argv: ["dotnet", "run", "--urls", "http://localhost:80801"], matches: false),
    Case(pattern: "dotnet run *8080", argv: ["echo", "dotnet", "run", "8080"], matches: false),
  ]

  @Test("default patterns", arguments: defaultCases)
  func defaultPattern(_ testCase: Case) throws {
    #expect(PoolConfig.defaultOrphanPatterns.contains(testCase.pattern))
    let pattern = try OrphanPattern(testCase.pattern)
    #expect(pattern.matches(argv: testCase.argv) == testCase.matches)
  }

  @Test func globFeatures() throws {
    #expect(try OrphanPattern("a?c").matches(argv: ["abc"]))
    #expect(try OrphanPattern("a?c").matches(argv: ["aéc"]))
    #expect(try !OrphanPattern("a?c").matches(argv: ["ac"]))
    #expect(try OrphanPattern("w[0-9]").matches(argv: ["w7"]))
    #expect(try !OrphanPattern("w[!0-9]").matches(argv: ["w7"]))
    #expect(try OrphanPattern("w[]x]").matches(argv: ["w]"]))
    #expect(try OrphanPattern("a\\*b").matches(argv: ["a*b"]))
    #expect(try !OrphanPattern("a\\*b").matches(argv: ["axb"]))
    #expect(try OrphanPattern("my\\ tool").matches(argv: ["/opt/my tool", "--x"]))
    #expect(try !OrphanPattern("my\\ tool").matches(argv: ["/opt/my", "tool"]))
    #expect(try OrphanPattern("*/x.cgi").matches(argv: ["/srv/cgi-bin/x.cgi"]))
    #expect(try !OrphanPattern("*/x.cgi").matches(argv: ["x.cgi"]))
    // A leading '/' anchors the word to the whole argv word.
    #expect(try OrphanPattern("/srv/*.cgi").matches(argv: ["/srv/x.cgi"]))
    #expect(try !OrphanPattern("/srv/*.cgi").matches(argv: ["/old/srv/x.cgi"]))
    #expect(try OrphanPattern("**.cgi").matches(argv: ["x.cgi"]))
  }

  @Test func malformedPatternsAreErrors() {
    #expect(throws: InvalidOrphanPattern(pattern: "", message: "pattern is empty")) { try OrphanPattern("") }
    #expect(throws: InvalidOrphanPattern(pattern: "   ", message: "pattern is empty")) { try OrphanPattern("   ") }
    #expect(throws: InvalidOrphanPattern(pattern: "x[ab", message: "unterminated '[' class")) { try OrphanPattern("x[ab") }
    #expect(throws: InvalidOrphanPattern(pattern: "x\\", message: "trailing '\\' escapes nothing")) { try OrphanPattern("x\\") }
    #expect(throws: InvalidOrphanPattern(pattern: "[z-a]", message: "empty range in [...] class")) { try OrphanPattern("[z-a]") }
  }

  @Test func compileCollectsEveryFailure() throws {
    #expect(try OrphanPattern.compile(PoolConfig.defaultOrphanPatterns).map(\.text) == PoolConfig.defaultOrphanPatterns)
    let error = #expect(throws: OrphanPatternErrors.self) { try OrphanPattern.compile(["ok.cgi", "[", "", "fine"]) }
    #expect(error?.errors.map(\.pattern) == ["[", ""])
  }

  @Test func rewrittenArgvFallsBackToCommAndExecutable() throws {
    let cgi = try OrphanPattern("*.cgi")
    // exec -a worker ./echo.cgi: argv disagrees with comm, so comm decides.
    #expect(cgi.matches(argv: ["worker", "1"], comm: "echo.cgi"))
    #expect(cgi.matches(argv: [], comm: "echo.cgi"))
    #expect(cgi.matches(argv: ["worker"], comm: "worker", executable: "/srv/x.cgi") == false)
    #expect(cgi.matches(argv: ["nginx: worker"], comm: "nginx", executable: "/srv/bin/x.cgi"))
    // A comm of 15 bytes may be truncated and is not trusted.
    #expect(!cgi.matches(argv: ["worker"], comm: "abcdefghijk.cgi"))
    // An argv that agrees with comm is not rewritten: tail's argument stays an argument.
    #expect(!cgi.matches(argv: ["tail", "-f", "x.cgi"], comm: "tail", executable: "/usr/bin/tail"))
    // A title rewritten into one string is split at spaces.
    #expect(try OrphanPattern("pool/manager.py").matches(argv: ["python3 pool/manager.py --port 8001"]))
  }

  @Test func scriptRunByUnknownInterpreterIsFoundByComm() throws {
    // `#!/usr/bin/awk -f` scripts: the kernel names the process after the script.
    #expect(try OrphanPattern("*.cgi").matches(argv: ["/usr/bin/awk", "-f", "/srv/x.cgi"], comm: "x.cgi"))
  }
}
