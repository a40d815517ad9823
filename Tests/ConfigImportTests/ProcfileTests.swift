import Testing

@testable import ConfigImport

/// foreman's rules: `name: command`, PORT per process, shell syntax through /bin/sh -c.
@Suite struct ProcfileTests {
  func importText(_ text: String, basePort: Int = 5000) throws -> ImportResult {
    try ConfigImporter.importConfig(
      text, format: .procfile, context: ImportContext(file: "Procfile", directory: "/app", basePort: basePort))
  }

  @Test func portsFollowForeman() throws {
    let result = try importText("web: ./web\nworker: ./worker\n\nclock: ./clock\n", basePort: 6000)
    #expect(result.processes.map(\.name) == ["web", "worker", "clock"])
    #expect(result.processes.map { $0.env.first?.1 } == ["6000", "6100", "6200"])
  }

  @Test func shellSyntaxGoesThroughSh() throws {
    let cases: [(String, [String])] = [
      ("a: ./run --flag x", ["./run", "--flag", "x"]),
      ("a: puma -p $PORT", ["/bin/sh", "-c", "puma -p $PORT"]),
      ("a: ./a | tee log", ["/bin/sh", "-c", "./a | tee log"]),
      ("a: ./a && ./b", ["/bin/sh", "-c", "./a && ./b"]),
      ("a: FOO=1 ./a", ["/bin/sh", "-c", "FOO=1 ./a"]),
      ("a: cd sub", ["/bin/sh", "-c", "cd sub"]),
      ("a: echo 'x y'", ["/bin/sh", "-c", "echo 'x y'"]),
    ]
    for (line, argv) in cases {
      #expect(try importText(line).processes[0].command == argv, "\(line)")
    }
  }

  @Test func otherLinesAreReported() throws {
    let result = try importText("# comment\nweb: ./web\nthis is not an entry\n")
    #expect(result.processes.count == 1)
    #expect(result.lost.map(\.line) == [3])
    #expect(throws: ImportError.self) { try importText("# nothing\n") }
  }
}
