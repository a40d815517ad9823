import CgiPoolRuntime
import CgiPoolTestSupport
import Foundation
import FuzzSupport
import SystemdBus
import Testing
import UnitCompiler

/// The escape fuzzer's corpus through a real manager: each input's `ExecStart=` line, written to a
/// unit file, loads with exactly the argv the process must see (`systemctl show -p ExecStart`),
/// which also checks the fuzzer's reference unquoter against systemd itself.
@Suite(.enabled(if: PrivateManagerFixture.enabled)) struct FuzzCorpusManagerTests {
  static let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  /// Inputs loaded at most (the corpus in file-name order, seeds first).
  static let sampleSize = 150

  static func corpus() throws -> [[UInt8]] {
    var inputs: [[UInt8]] = []
    for folder in ["Fuzz/seeds/escape", "Fuzz/corpus/escape"] {
      let path = checkout.appendingPathComponent(folder).path
      for name in (try? FileManager.default.contentsOfDirectory(atPath: path).sorted()) ?? [] {
        inputs.append(Array(try Data(contentsOf: URL(fileURLWithPath: path + "/" + name))))
      }
    }
    return Array(inputs.prefix(sampleSize))
  }

  @Test func corpusCommandsLoadWithTheirExactArgv() throws {
    let inputs = try Self.corpus()
    #expect(inputs.count >= 10, "the committed corpus is there")
    try RuntimeHarness.withPool(#"{"name": "i18-fuzz", "processes": {"p": {"command": ["true"]}}}"#) { context in
      let folder = try #require(context.endpoint.runtimeDirectory) + "/systemd/user"
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      var expected: [String: [String]] = [:]
      var lines: [String: String] = [:]
      for (index, input) in inputs.enumerated() {
        let argv = input.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        let name = "i18-fuzz-\(index).service"
        let line = UnitFileSyntax.command(ExecCommand(path: "/bin/true", argv: argv))
        try "[Service]\nType=oneshot\nExecStart=\(line)\n".write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
        expected[name] = argv
        lines[name] = line
      }
      try context.manager.reload()
      for name in expected.keys.sorted() {
        let path = try context.manager.loadUnit(name)
        let service = try context.manager.properties(path: path, interface: SystemdManager.serviceInterface)
        let entry = service["ExecStart"]?.arrayValues?.first?.structFields
        let loaded = entry?[1].arrayValues?.compactMap(\.stringValue)
        // systemd expands `$$` only when it starts the process; the loaded argv still holds it.
        let started = try loaded.map { try $0.map { word in try SystemdUnquoter.dollars(Array(word.utf8)) } }
        #expect(started == expected[name], "\(name): loaded \(String(describing: loaded))")
        // The fuzzer's reference reads the line as systemd did.
        #expect(try SystemdUnquoter.command(lines[name]!).argv == started, "\(name)")
        #expect(entry?[0].stringValue == "/bin/true")
      }
    }
  }
}

