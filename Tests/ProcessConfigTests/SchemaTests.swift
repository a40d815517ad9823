import CgiPoolTestKit
import Foundation
import Testing

@testable import ProcessConfig

/// `schema/process_config.schema.json` stays in sync with the validator: it is what `ConfigSchema`
/// generates, it names exactly the validator's keys, its patterns agree with `NameRules`, and
/// (through Python's `jsonschema`) every valid fixture validates and every invalid one is caught.
@Suite struct SchemaTests {
  static let packageRoot = Fixtures.directory
    .deletingLastPathComponent()  // ProcessConfigTests
    .deletingLastPathComponent()  // Tests
    .deletingLastPathComponent()
  static let schemaURL = packageRoot.appendingPathComponent(ConfigSchema.repositoryPath)

  /// Invalid fixtures a JSON Schema cannot reject, and why.
  static let beyondASchema: [String: String] = [
    "cycles.json": "a dependency cycle spans several processes",
    "duplicate-keys.json": "a JSON parser keeps one of two equal keys before a schema sees them",
    "syntax-lone-surrogate.json": "not a schema question: the JSON text itself is refused",
  ]

  /// Diagnostics only the whole file can give: they name other processes.
  static let crossReferenceMarkers = ["unknown process", "depends on itself", "duplicate dependency", "dependency cycle", "duplicate key"]

  @Test func committedSchemaIsTheGeneratedOne() throws {
    // A difference means: run `cgipool schema -o schema/process_config.schema.json` (or CGIPOOL_RECORD=1).
    Golden.expect(ConfigSchema.text(), matchesFileAt: Self.schemaURL)
  }

  @Test func schemaNamesExactlyTheValidatorsKeys() throws {
    let schema = try #require(
      try JSONSerialization.jsonObject(with: Data(ConfigSchema.text().utf8)) as? [String: Any])
    let root = try #require(schema["properties"] as? [String: Any])
    #expect(Set(root.keys) == Set(PoolKey.names))
    let processes = try #require(root["processes"] as? [String: Any])
    let process = try #require(processes["additionalProperties"] as? [String: Any])
    let processProperties = try #require(process["properties"] as? [String: Any])
    #expect(Set(processProperties.keys) == Set(ProcessKey.names))
    let check = try #require(processProperties["health_check"] as? [String: Any])
    let checkProperties = try #require(check["properties"] as? [String: Any])
    #expect(Set(checkProperties.keys) == Set(HealthCheckKey.names))
    // Each key carries its description, default and enum from the key's info.
    func expectDescribed<Key: ConfigKey>(_: Key.Type, in properties: [String: Any]) throws {
      for key in Key.allCases {
        let property = try #require(properties[key.rawValue] as? [String: Any])
        #expect(property["description"] as? String == key.info.summary)
        if let value = key.info.defaultValue {
          let text = try JSONSerialization.data(withJSONObject: ["d": property["default"] ?? NSNull()], options: [.sortedKeys])
          let expected = try JSONSerialization.data(
            withJSONObject: JSONSerialization.jsonObject(with: Data("{\"d\": \(value.json)}".utf8)), options: [.sortedKeys])
          #expect(text == expected, "default of \(key.rawValue)")
        }
        if let values = key.info.allowedValues {
          if case .stringOrObject = key.info.type {
            // A level name or an object: the names are the first alternative's enum.
            let level = (property["oneOf"] as? [[String: Any]])?.first
            #expect(level?["enum"] as? [String] == values, "enum of \(key.rawValue)")
          } else if key.info.type != .stringArray {
            // (Capabilities carry no enum: the validator also takes them in lower case and without CAP_.)
            #expect(property["enum"] as? [String] == values, "enum of \(key.rawValue)")
          }
        }
      }
    }
    try expectDescribed(PoolKey.self, in: root)
    try expectDescribed(ProcessKey.self, in: processProperties)
    try expectDescribed(HealthCheckKey.self, in: checkProperties)
    let sandbox = try #require(root["sandbox"] as? [String: Any])
    let sandboxObject = try #require((sandbox["oneOf"] as? [[String: Any]])?.last)
    let sandboxProperties = try #require(sandboxObject["properties"] as? [String: Any])
    #expect(Set(sandboxProperties.keys) == Set(SandboxKey.names))
    #expect(processProperties["sandbox"] != nil)
    try expectDescribed(SandboxKey.self, in: sandboxProperties)
  }

  @Test func patternsAgreeWithNameRules() throws {
    var random = SeededGenerator(seed: 1515)
    let alphabet: [String] = "aZ09_-.:[]% /é\u{0}".map(String.init) + ["::1", "8080", "65535", "65536", "0", "00080", "--", "localhost"]
    func sample() -> String {
      (0..<Int.random(in: 0...10, using: &random)).map { _ in alphabet.randomElement(using: &random)! }.joined()
    }
    let rules: [(String, String, (String) -> Bool)] = [
      ("process name", NameRules.processNamePattern, NameRules.isValidProcessName),
      ("pool name", NameRules.poolNamePattern, NameRules.isValidPoolName),
      ("environment name", NameRules.environmentNamePattern, NameRules.isValidEnvironmentName),
      ("credential name", NameRules.credentialNamePattern, NameRules.isValidCredentialName),
      ("port target", NameRules.portTargetPattern, NameRules.isValidPortTarget),
    ]
    let inputs = (0..<20_000).map { _ in sample() } + ["1", "65535", "65536", "00001", "[::1]:80", "[fe80::1%eth0]:80", "a-b.c:443", "a:b:80", "pool-", "p--q", String(repeating: "a", count: 65), String(repeating: "a", count: 255), String(repeating: "a", count: 256), ".", "..", "a.b-c"]
    for (name, pattern, function) in rules {
      let regex = try NSRegularExpression(pattern: pattern)
      var mismatches: [String] = []
      for input in inputs {
        let range = NSRange(input.startIndex..., in: input)
        let matches = regex.firstMatch(in: input, range: range) != nil
        if matches != function(input) { mismatches.append(input) }
      }
      #expect(mismatches.isEmpty, "\(name): pattern and rule disagree on \(mismatches.prefix(5).map(\.debugDescription))")
    }
    // The http pattern is looser than the URL parser, never stricter.
    let http = try NSRegularExpression(pattern: NameRules.httpTargetPattern)
    for input in inputs.map({ "http://" + $0 }) + ["https://example.com:8443/x?y#z", "HTTP://h/"] where NameRules.isValidHTTPTarget(input) {
      #expect(http.firstMatch(in: input, range: NSRange(input.startIndex..., in: input)) != nil, "\(input.debugDescription)")
    }
  }

  @Test func schemaKeyIsAccepted() throws {
    let config = try ConfigLoader.parse(
      Array(#"{"$schema": "../schema/process_config.schema.json", "processes": {"a": {"command": ["a"]}}}"#.utf8),
      file: "c.json", baseDirectory: "/srv")
    #expect(config.processes.count == 1)
    let error = try #require(throws: ConfigError.self) {
      try ConfigLoader.parse(Array(#"{"$schema": 1, "processes": {"a": {"command": ["a"]}}}"#.utf8), file: "c.json", baseDirectory: "/srv")
    }
    #expect(error.diagnostics.map(\.description) == ["c.json: $schema: expected a string, found a number"])
  }

  /// Python's `jsonschema` (installed by ops/install-deps.sh) checks the fixtures against the committed schema.
  @Test func fixturesAgainstTheSchema() throws {
    var documents: [[String: Any]] = []
    for name in Fixtures.names(in: "valid") {
      documents.append(["name": name, "path": Fixtures.directory.appendingPathComponent("valid/\(name)").path, "valid": true])
    }
    var mainPaths: [String: [Any]] = [:]
    for name in Fixtures.names(in: "invalid") where !name.hasPrefix("syntax-") && Self.beyondASchema[name] == nil {
      let error = try #require(throws: ConfigError.self) {
        try ConfigLoader.parse(Fixtures.bytes("invalid", name), file: name, baseDirectory: "/srv")
      }
      // The main error: the first a schema can see (cross-references need the whole file).
      let main = try #require(
        error.diagnostics.first { diagnostic in !Self.crossReferenceMarkers.contains { diagnostic.message.contains($0) } },
        "\(name) has only cross-reference errors: list it in beyondASchema")
      mainPaths[name] = main.path.components.map { component -> Any in
        switch component {
        case .key(let key): key
        case .index(let index): index
        }
      }
      documents.append(["name": name, "path": Fixtures.directory.appendingPathComponent("invalid/\(name)").path, "valid": false])
    }
    let script = """
      import json, sys
      try:
          import jsonschema
      except ImportError:
          print(json.dumps({"error": "python3 has no jsonschema: run ops/install-deps.sh (pip install jsonschema)"})); sys.exit(0)
      request = json.load(sys.stdin)
      schema = json.load(open(request["schema"]))
      jsonschema.Draft202012Validator.check_schema(schema)
      validator = jsonschema.Draft202012Validator(schema)
      out = {}
      for d in request["documents"]:
          doc = json.load(open(d["path"], encoding="utf-8"))
          out[d["name"]] = [list(e.absolute_path) for e in validator.iter_errors(doc)]
      print(json.dumps({"results": out}))
      """
    let request: [String: Any] = ["schema": Self.schemaURL.path, "documents": documents]
    let data = try PythonScript.run(script, request: request)
    let answer = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "python said: \(String(decoding: data, as: UTF8.self))")
    if let error = answer["error"] as? String { Issue.record(Comment(rawValue: error)); return }
    let results = try #require(answer["results"] as? [String: [[Any]]])
    #expect(results.count == documents.count)
    for name in Fixtures.names(in: "valid") {
      #expect(results[name]?.isEmpty == true, "\(name) should validate: \(results[name] ?? [])")
    }
    for (name, main) in mainPaths.sorted(by: { $0.key < $1.key }) {
      let errors = results[name] ?? []
      #expect(!errors.isEmpty, "\(name) passes the schema")
      // The schema reports the main (first) diagnostic's place, or the object holding it.
      let mainText = main.map { "\($0)" }
      let caught = errors.contains { path in
        let text = path.map { "\($0)" }
        return text.count <= mainText.count && Array(mainText.prefix(text.count)) == text
      }
      #expect(caught, "\(name): the schema does not catch the main error at \(main); it reports \(errors)")
    }
  }
}
