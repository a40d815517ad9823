/// The JSON Schema of `process_config.json`, generated from the validator's own key enums
/// (`PoolKey`, `ProcessKey`, `HealthCheckKey`, `LimitsKey`, `SandboxKey`, `DependencyKey`: descriptions, types, defaults, bounds, enums) and
/// from `NameRules`' patterns, so it cannot name a key the validator refuses or miss one it takes.
///
/// The schema is for editors: it catches what a schema can see (unknown keys, types, bounds, names,
/// target syntax, NUL). What needs the whole file (unknown or cyclic `depends_on`, duplicate keys)
/// only `cgipool check` reports.
public enum ConfigSchema {
  /// Where the repository keeps the generated schema.
  public static let repositoryPath = "schema/process_config.schema.json"

  /// The schema as JSON text (two-space indent, stable order, trailing newline).
  public static func text() -> String {
    document().rendered() + "\n"
  }

  /// The schema as a JSON value.
  public static func document() -> JSONOutput {
    var members: [JSONOutput.Member] = [
      .init("$schema", .string("https://json-schema.org/draft/2020-12/schema")),
      .init("$id", .string("https://cgipool.invalid/schema/process_config.schema.json")),
      .init("title", .string("cgipool process_config.json")),
      .init("description", .string("A CGI process pool that cgipool runs under systemd (`cgipool check` validates it).")),
    ]
    members += objectMembers(PoolKey.self)
    return .object(members)
  }

  /// `type`, `properties`, `required` and `additionalProperties` of an object of `Key`s.
  private static func objectMembers<Key: ConfigKey>(_: Key.Type) -> [JSONOutput.Member] {
    let keys = Key.allCases.sorted { $0.rawValue < $1.rawValue }
    let required = keys.filter(\.info.isRequired).map { JSONOutput.string($0.rawValue) }
    var members: [JSONOutput.Member] = [.init("type", .string("object"))]
    if !required.isEmpty { members.append(.init("required", .array(required))) }
    members.append(.init("properties", .object(keys.map { .init($0.rawValue, property($0)) })))
    members.append(.init("additionalProperties", .bool(false)))
    if Key.self == HealthCheckKey.self { members.append(.init("allOf", .array(targetRules()))) }
    return members
  }

  /// The schema of one key's value.
  private static func property<Key: ConfigKey>(_ key: Key) -> JSONOutput {
    let info = key.info
    var members: [JSONOutput.Member] = [.init("description", .string(info.summary))]
    let nullable = info.defaultValue == .null
    switch info.type {
    case .string:
      members.append(.init("type", typeName("string", nullable: nullable)))
      if let values = info.allowedValues { members.append(.init("enum", .array(values.map(JSONOutput.string)))) }
      members.append(.init("pattern", .string(stringPattern(for: key))))
    case .number, .integer:
      let isInteger = info.type == .integer || info.numberRule?.integer == true
      members.append(.init("type", typeName(isInteger ? "integer" : "number", nullable: nullable)))
      if let rule = info.numberRule {
        if rule.minimum.isFinite {
          members.append(.init(rule.minimumIsExclusive ? "exclusiveMinimum" : "minimum", .number(rule.minimum)))
        }
        if rule.maximum.isFinite { members.append(.init("maximum", .number(rule.maximum))) }
      }
    case .boolean:
      members.append(.init("type", typeName("boolean", nullable: nullable)))
    case .stringArray:
      members.append(.init("type", typeName("array", nullable: nullable)))
      // No `enum` for capabilities: the validator also takes them in lower case and without `CAP_`.
      members.append(.init("items", .object([.init("type", .string("string")), .init("pattern", .string(NameRules.noNULPattern))])))
    case .stringOrStringArray:
      let item: [JSONOutput.Member] = [.init("type", .string("string")), .init("minLength", .number(1)), .init("pattern", .string(NameRules.noNULPattern))]
      members.append(.init("oneOf", .array([.object(item), .object([.init("type", .string("array")), .init("items", .object(item))])])))
    case .stringOrObject(let names):
      guard names == SandboxKey.names else { preconditionFailure("no key enum for object keys \(names)") }
      let level: [JSONOutput.Member] = [
        .init("type", .string("string")), .init("enum", .array((info.allowedValues ?? []).map(JSONOutput.string))),
      ]
      members.append(.init("oneOf", .array([.object(level), .object(objectMembers(SandboxKey.self))])))
    case .argv:
      members.append(.init("type", typeName("array", nullable: nullable)))
      members.append(.init("minItems", .number(1)))
      // In draft 2020-12 `items` covers only what follows `prefixItems`, so the program says it all again.
      let program: [JSONOutput.Member] = [
        .init("type", .string("string")), .init("minLength", .number(1)), .init("pattern", .string(NameRules.noNULPattern)),
      ]
      members.append(.init("prefixItems", .array([.object(program)])))
      members.append(.init("items", .object([.init("type", .string("string")), .init("pattern", .string(NameRules.noNULPattern))])))
    case .stringMap:
      members.append(.init("type", typeName("object", nullable: nullable)))
      if let key = key as? ProcessKey, key == .env {
        members.append(.init("propertyNames", .object([.init("pattern", .string(NameRules.environmentNamePattern))])))
      }
      if let key = key as? ProcessKey, key == .credentials {
        members.append(.init("propertyNames", .object([.init("pattern", .string(NameRules.credentialNamePattern))])))
        members.append(.init("additionalProperties", .object([.init("type", .string("string")), .init("minLength", .number(1)), .init("pattern", .string(NameRules.noNULPattern))])))
      } else {
        members.append(.init("additionalProperties", .object([.init("type", .string("string")), .init("pattern", .string(NameRules.noNULPattern))])))
      }
    case .object(let names):
      var object: [JSONOutput.Member]
      switch names {
      case HealthCheckKey.names: object = objectMembers(HealthCheckKey.self)
      case LimitsKey.names: object = objectMembers(LimitsKey.self)
      default: preconditionFailure("no key enum for object keys \(names)")
      }
      if nullable { object[0] = .init("type", typeName("object", nullable: true)) }
      members += object
    case .stringOrObjectArray(let names):
      guard names == DependencyKey.names else { preconditionFailure("no key enum for object keys \(names)") }
      members.append(.init("type", typeName("array", nullable: nullable)))
      let name: [JSONOutput.Member] = [.init("type", .string("string")), .init("pattern", .string(NameRules.noNULPattern))]
      let entry = JSONOutput.object([.init("oneOf", .array([.object(name), .object(objectMembers(DependencyKey.self))]))])
      members.append(.init("items", entry))
    case .objectMap(let names):
      guard names == ProcessKey.names else { preconditionFailure("no key enum for object keys \(names)") }
      members.append(.init("type", typeName("object", nullable: nullable)))
      members.append(.init("minProperties", .number(1)))
      members.append(.init("propertyNames", .object([.init("pattern", .string(NameRules.processNamePattern))])))
      members.append(.init("additionalProperties", .object(objectMembers(ProcessKey.self))))
    }
    if let value = info.defaultValue { members.append(.init("default", json(value))) }
    return .object(members)
  }

  /// The pattern a string key's value must match: the pool name's rule, or "no NUL".
  private static func stringPattern<Key: ConfigKey>(for key: Key) -> String {
    if let key = key as? PoolKey, key == .name { return NameRules.poolNamePattern }
    if let key = key as? LimitsKey, let pattern = key.pattern { return pattern }
    return NameRules.noNULPattern
  }

  /// A health check's `target` syntax for each `type`, as `if`/`then` rules.
  private static func targetRules() -> [JSONOutput] {
    let patterns: [(HealthCheck.Kind, String)] = [
      (.port, NameRules.portTargetPattern), (.http, NameRules.httpTargetPattern), (.command, "\\S"),
    ]
    return patterns.map { kind, pattern in
      .object([
        .init("if", .object([
          .init("properties", .object([.init(HealthCheckKey.type.rawValue, .object([.init("const", .string(kind.rawValue))]))])),
          .init("required", .array([.string(HealthCheckKey.type.rawValue)])),
        ])),
        .init("then", .object([
          .init("properties", .object([.init(HealthCheckKey.target.rawValue, .object([.init("pattern", .string(pattern))]))])),
        ])),
      ])
    }
  }

  private static func typeName(_ name: String, nullable: Bool) -> JSONOutput {
    nullable ? .array([.string(name), .string("null")]) : .string(name)
  }

  private static func json(_ value: ConfigDefault) -> JSONOutput {
    switch value {
    case .null: .null
    case .string(let text): .string(text)
    case .number(let number): .number(number)
    case .strings(let texts): .array(texts.map(JSONOutput.string))
    case .bool(let flag): .bool(flag)
    case .emptyObject: .object([])
    }
  }
}
