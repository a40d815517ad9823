import CgiPoolTestKit
import Testing

@testable import ProcessConfig

/// Thousands of configs derived from the valid fixtures by seeded random mutations: each must
/// load or fail with diagnostics, never crash, and the result must be consistent.
@Suite struct MutationTests {
  /// Mutants per valid fixture.
  static let mutantsPerFixture = 800

  @Test(arguments: Fixtures.names(in: "valid"))
  func mutatedConfigsNeverCrash(fixture: String) throws {
    let original = try Fixtures.bytes("valid", fixture)
    let tree = try JSONParser.parse(original).value
    var random = SeededGenerator(seed: UInt64(truncatingIfNeeded: fixture.utf8.reduce(5381) { $0 &* 33 &+ Int($1) }))
    var outcomes = (valid: 0, invalid: 0)
    for index in 0..<Self.mutantsPerFixture {
      let mutation = Mutation.allCases.randomElement(using: &random)!
      let bytes = mutation.apply(to: original, tree: tree, using: &random)
      let context = Comment(rawValue: "\(fixture) mutant \(index) (\(mutation)): \(String(decoding: bytes.prefix(400), as: UTF8.self))")
      let first = load(bytes)
      // The same bytes must give the same answer: no dependence on hashing order.
      #expect(first == load(bytes), context)
      switch first {
      case .success(let config):
        outcomes.valid += 1
        checkInvariants(of: config, context)
        if mutation == .truncate {
          Issue.record("a truncated object was accepted: \(context.rawValue)")
        }
      case .failure(let error):
        outcomes.invalid += 1
        #expect(!error.diagnostics.isEmpty, context)
        for diagnostic in error.diagnostics {
          #expect(!diagnostic.message.isEmpty, context)
          #expect(diagnostic.file == "mutant.json", context)
          #expect(!diagnostic.description.contains("\n"), "a diagnostic spans lines: \(diagnostic)")
        }
        #expect(error.diagnostics == error.diagnostics.sorted { ($0.path, $0.message) < ($1.path, $1.message) }, context)
      }
    }
    // Both outcomes must occur, or the mutations are not exercising the validator.
    #expect(outcomes.valid > 0)
    #expect(outcomes.invalid > Self.mutantsPerFixture / 2)
  }

  @Test func randomBytesAreRejectedWithOneSyntaxDiagnostic() {
    var random = SeededGenerator(seed: 0xC61_9001)
    let alphabet = Array(#"{}[]:,"\ 0123456789-.eEtruefalsn"#.utf8) + [0x00, 0x0A, 0x80, 0xC3, 0xA9, 0xED, 0xF4, 0xFF]
    for index in 0..<2_000 {
      let length = Int.random(in: 0...120, using: &random)
      // Start with '{' half the time, so the parser gets past the first byte more often.
      var bytes: [UInt8] = index.isMultiple(of: 2) ? [UInt8(ascii: "{")] : []
      for _ in 0..<length { bytes.append(alphabet.randomElement(using: &random)!) }
      switch load(bytes) {
      case .success(let config):
        checkInvariants(of: config, "random bytes \(bytes)")
      case .failure(let error):
        #expect(!error.diagnostics.isEmpty)
        if error.diagnostics.contains(where: { $0.message.hasPrefix("invalid JSON at line ") }) {
          // Malformed JSON is exactly one diagnostic: nothing after it can be trusted.
          #expect(error.diagnostics.count == 1, "random bytes \(bytes)")
        }
      }
    }
  }

  private func load(_ bytes: [UInt8]) -> Result<PoolConfig, ConfigError> {
    Result { () throws(ConfigError) in try ConfigLoader.parse(bytes, file: "mutant.json", baseDirectory: "/base") }
  }

  private func checkInvariants(of config: PoolConfig, _ context: Comment) {
    #expect(NameRules.isValidPoolName(config.name), context)
    #expect(!config.processes.isEmpty, context)
    let order = config.topologicalOrder()
    #expect(order.sorted() == config.processNames, context)
    for (name, process) in config.processes {
      #expect(NameRules.isValidProcessName(name), context)
      #expect(!process.command.isEmpty && !process.command[0].isEmpty, context)
      for dependency in process.dependsOn {
        #expect(config.processes[dependency] != nil, context)
        #expect(order.firstIndex(of: dependency)! < order.firstIndex(of: name)!, context)
      }
    }
    #expect(config.startLevels().flatMap { $0 }.sorted() == config.processNames, context)
  }
}

/// One way to damage a config.
enum Mutation: CaseIterable {
  case deleteKey, swapType, duplicateKey, renameKey, changeNumber, insertJunk, truncate, insertUnicode, flipByte

  func apply(to bytes: [UInt8], tree: JSONValue, using random: inout SeededGenerator) -> [UInt8] {
    switch self {
    case .deleteKey:
      return Array(tree.mutatingRandomObject(using: &random) { object, random in
        guard !object.members.isEmpty else { return }
        object.members.remove(at: Int.random(in: 0..<object.members.count, using: &random))
      }.serialized.utf8)
    case .duplicateKey:
      return Array(tree.mutatingRandomObject(using: &random) { object, random in
        guard let member = object.members.randomElement(using: &random) else { return }
        object.members.append(JSONObject.Member(key: member.key, value: .randomValue(using: &random)))
      }.serialized.utf8)
    case .renameKey:
      return Array(tree.mutatingRandomObject(using: &random) { object, random in
        guard !object.members.isEmpty else { return }
        let index = Int.random(in: 0..<object.members.count, using: &random)
        object.members[index].key = String.randomNearMiss(of: object.members[index].key, using: &random)
      }.serialized.utf8)
    case .swapType:
      return Array(tree.replacingRandomNode(using: &random) { _, random in .randomValue(using: &random) }.serialized.utf8)
    case .changeNumber:
      return Array(tree.replacingRandomNode(using: &random) { node, random in
        let literals = ["0", "-1", "0.5", "1", "3.5", "100", "3600", "3601", "86401", "1e400", "-0", "65536", "2.0"]
        return .number(JSONNumber(value: 0, literal: literals.randomElement(using: &random)!))
      }.serialized.utf8)
    case .insertJunk:
      var copy = bytes
      let junk: [[UInt8]] = [[0x2C], [0x7B], [0x5D], [0x22], [0x00], [0xFF], Array("null".utf8), Array(",,".utf8), [0x5C]]
      copy.insert(contentsOf: junk.randomElement(using: &random)!, at: Int.random(in: 0...copy.count, using: &random))
      return copy
    case .truncate:
      // Cut before the final '}', so the root object is never closed.
      let end = bytes.lastIndex(of: UInt8(ascii: "}")) ?? bytes.count
      return Array(bytes[0..<Int.random(in: 0..<max(1, end), using: &random)])
    case .insertUnicode:
      var copy = bytes
      let scalar = String.randomScalar(using: &random)
      copy.insert(contentsOf: Array(String(scalar).utf8), at: Int.random(in: 0...copy.count, using: &random))
      return copy
    case .flipByte:
      var copy = bytes
      guard !copy.isEmpty else { return copy }
      copy[Int.random(in: 0..<copy.count, using: &random)] ^= UInt8(1) << UInt8.random(in: 0...7, using: &random)
      return copy
    }
  }
}

extension JSONValue {
  /// A random value of a random kind, sometimes nested.
  static func randomValue(using random: inout SeededGenerator) -> JSONValue {
    switch Int.random(in: 0..<8, using: &random) {
    case 0: return .null
    case 1: return .bool(Bool.random(using: &random))
    case 2: return .number(JSONNumber(value: 0, literal: ["0", "2", "-3.5", "8080", "1e2"].randomElement(using: &random)!))
    case 3: return .string(["", "x", "pool_manager", "8080", "http://localhost:1/", "always", "\u{0}"].randomElement(using: &random)!)
    case 4: return .string(String(String.randomScalar(using: &random)))
    case 5: return .array([.string("echo"), .string("hi")])
    case 6: return .array([])
    default: return .object(JSONObject([.init(key: "type", value: .string("port")), .init(key: "target", value: .string("80"))]))
    }
  }

  /// All node paths in the tree (as component lists), root first.
  private func nodePaths(prefix: [ConfigPath.Component] = []) -> [[ConfigPath.Component]] {
    var paths = [prefix]
    switch self {
    case .array(let elements):
      for (index, element) in elements.enumerated() { paths += element.nodePaths(prefix: prefix + [.index(index)]) }
    case .object(let object):
      for member in object.members { paths += member.value.nodePaths(prefix: prefix + [.key(member.key)]) }
    default: break
    }
    return paths
  }

  private func updating(at path: ArraySlice<ConfigPath.Component>, _ change: (JSONValue) -> JSONValue) -> JSONValue {
    guard let first = path.first else { return change(self) }
    switch (self, first) {
    case (.array(var elements), .index(let index)):
      elements[index] = elements[index].updating(at: path.dropFirst(), change)
      return .array(elements)
    case (.object(var object), .key(let key)):
      if let index = object.members.firstIndex(where: { $0.key == key }) {
        object.members[index].value = object.members[index].value.updating(at: path.dropFirst(), change)
      }
      return .object(object)
    default: return self
    }
  }

  /// The tree with one random node replaced.
  func replacingRandomNode(
    using random: inout SeededGenerator, _ make: (JSONValue, inout SeededGenerator) -> JSONValue
  ) -> JSONValue {
    let path = nodePaths().randomElement(using: &random)!
    return updating(at: path[...]) { node in make(node, &random) }
  }

  /// The tree with one random object changed in place.
  func mutatingRandomObject(
    using random: inout SeededGenerator, _ change: (inout JSONObject, inout SeededGenerator) -> Void
  ) -> JSONValue {
    let objects = nodePaths().filter { path in
      if case .object = updatingLookup(path[...]) { return true }
      return false
    }
    guard let path = objects.randomElement(using: &random) else { return self }
    return updating(at: path[...]) { node in
      guard case .object(var object) = node else { return node }
      change(&object, &random)
      return .object(object)
    }
  }

  private func updatingLookup(_ path: ArraySlice<ConfigPath.Component>) -> JSONValue? {
    guard let first = path.first else { return self }
    switch (self, first) {
    case (.array(let elements), .index(let index)): return elements[index].updatingLookup(path.dropFirst())
    case (.object(let object), .key(let key)): return object[key]?.updatingLookup(path.dropFirst())
    default: return nil
    }
  }
}

extension String {
  /// A scalar from the awkward corners: NUL, controls, line separators, combining marks, emoji, private use.
  static func randomScalar(using random: inout SeededGenerator) -> Unicode.Scalar {
    let ranges: [ClosedRange<UInt32>] = [0...0x1F, 0x7F...0x9F, 0x2028...0x2029, 0x300...0x36F, 0x1F600...0x1F64F, 0xE000...0xF8FF, 0x10FFF0...0x10FFFF]
    let range = ranges.randomElement(using: &random)!
    return Unicode.Scalar(UInt32.random(in: range, using: &random))!
  }

  /// `self` with one scalar dropped, doubled or replaced, as a typo would.
  static func randomNearMiss(of key: String, using random: inout SeededGenerator) -> String {
    var scalars = Array(key.unicodeScalars)
    guard !scalars.isEmpty else { return "x" }
    let index = Int.random(in: 0..<scalars.count, using: &random)
    switch Int.random(in: 0..<3, using: &random) {
    case 0: scalars.remove(at: index)
    case 1: scalars.insert(scalars[index], at: index)
    default: scalars[index] = randomScalar(using: &random)
    }
    var view = String.UnicodeScalarView()
    view.append(contentsOf: scalars)
    return String(view)
  }
}
