import CgiPoolRuntime
import CgiPoolTestKit
import CgiPoolTestSupport
import Foundation
import ProcessConfig
import SystemdBus
import Testing
import UnitCompiler

/// Each instance's settings as the manager holds them, from unit files (one file per instance,
/// `<pool>-<proc>@<i>.service`) and over D-Bus: the same, and the placeholders filled in exactly,
/// with generated awkward values around them.
@Suite(.enabled(if: PrivateManagerFixture.enabled)) struct ReplicaBackendTests {
  @Test func instancesAgreeAcrossBackEndsWithGeneratedValues() throws {
    var generator = SeededGenerator(seed: 1212)
    // Pieces that are neither NUL nor a brace that would touch the placeholder.
    let values = (0..<4).map { _ in NastyStrings.make(using: &generator) }.map {
      $0.replacingOccurrences(of: "{", with: "(")
    }
    var env: [String: String] = [:]
    for (index, value) in values.enumerated() { env["V\(index)"] = "{replica0:02}" + value + "{replica}" }
    let envJSON = env.keys.sorted().map { "\(RuntimeHarness.quote($0)): \(RuntimeHarness.quote(env[$0]!))" }.joined(separator: ", ")
    let argument = values[0] + "{replica:03}" + values[1]
    let json = """
      {"name": "iR-rep-agree", "processes": {
        "w": {"command": ["/bin/sh", "-c", "exec sleep 300", "sh", \(RuntimeHarness.quote(argument))], "replicas": 3, "env": {\(envJSON)},
          "health_check": {"type": "command", "target": "test {replica} -gt 0", "timeout": 3}}
      }}
      """
    try RuntimeHarness.withPool(json) { context in
      let names = (1...3).map { context.runtime.names.instance("w", replica: $0) }
      #expect(names == (1...3).map { "iR-rep-agree-w@\($0).service" })
      let folder = try #require(context.endpoint.runtimeDirectory) + "/systemd/user"
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      let renderer = try UnitFileRenderer(templatesDirectory: RuntimeHarness.templates)
      let files = try renderer.renderAll(context.compiled, configFile: "agree.json")
      #expect(Set(names).isSubset(of: files.map(\.name)))
      for file in files { try file.text.write(toFile: folder + "/" + file.name, atomically: true, encoding: .utf8) }
      try context.manager.reload()
      let fromFiles = try BackendAgreementTests.snapshot(context.manager, units: names)
      for file in files { try FileManager.default.removeItem(atPath: folder + "/" + file.name) }
      try context.manager.reload()
      #expect(try context.runtime.start().succeeded)
      let fromBus = try BackendAgreementTests.snapshot(context.manager, units: names)
      for name in names {
        for key in ["Environment", "ExecStart", "ExecStartPost", "Description"] {
          let file = fromFiles[name]?[key]
          let bus = fromBus[name]?[key]
          #expect(file != nil && file == bus, "\(name) \(key): file \(String(describing: file)) vs bus \(String(describing: bus))")
        }
      }
      for replica in 1...3 {
        let name = names[replica - 1]
        var expected = env.mapValues { value in
          value.replacingOccurrences(of: "{replica0:02}", with: String(format: "%02d", replica - 1))
            .replacingOccurrences(of: "{replica}", with: String(replica))
        }
        expected["CGIPOOL_REPLICA"] = String(replica)
        let environment = fromBus[name]?["Environment"]?.arrayValues?.compactMap(\.stringValue) ?? []
        #expect(environment.sorted() == expected.map { "\($0.key)=\($0.value)" }.sorted(), "\(name)")
        let argv = fromBus[name]?["ExecStart"]?.arrayValues?.first?.structFields?[1].arrayValues?.compactMap(\.stringValue)
        let padded = String(format: "%03d", replica)
        #expect(argv == ["/bin/sh", "-c", "exec sleep 300", "sh", values[0] + padded + values[1]], "\(name)")
      }
    }
  }
}
