import CgiPoolTestKit
import ProcessConfig
import Testing
import UnitCompiler

/// Generated pools: every valid pool compiles, deterministically, with the mapping's invariants.
@Suite struct RandomPoolTests {
  /// A random valid pool: a DAG (each process depends only on earlier ones), every policy and probe kind.
  static func randomPool(using generator: inout SeededGenerator) -> PoolConfig {
    let count = Int.random(in: 1...12, using: &generator)
    let names = (0..<count).map { "p\($0)_\(Int.random(in: 0...99, using: &generator))" }
    var processes: [String: ProcessSpec] = [:]
    for (index, name) in names.enumerated() {
      let earlier = names[..<index]
      let dependsOn = earlier.filter { _ in Int.random(in: 0..<4, using: &generator) == 0 }
      let kind = HealthCheck.Kind.allCases.randomElement(using: &generator)!
      let target = kind == .port ? "\(Int.random(in: 1...65535, using: &generator))" : kind == .http ? "http://127.0.0.1:8080/x" : "true"
      let check: HealthCheck? =
        Bool.random(using: &generator)
        ? HealthCheck(
          kind: kind, target: target, timeout: Double(Int.random(in: 1...60, using: &generator)),
          interval: Double(Int.random(in: 1...60, using: &generator)), failureThreshold: Int.random(in: 1...5, using: &generator))
        : nil
      processes[name] = ProcessSpec(
        name: name, command: ["/usr/bin/sleep"] + (0..<Int.random(in: 0...3, using: &generator)).map { _ in NastyStrings.make(using: &generator) },
        env: ["K": NastyStrings.make(using: &generator)], restartPolicy: RestartPolicy.allCases.randomElement(using: &generator)!,
        startupDelay: Double(Int.random(in: 0...5, using: &generator)), dependsOn: Array(dependsOn), healthCheck: check,
        stopTimeout: Double(Int.random(in: 1...30, using: &generator)))
    }
    return PoolConfig(name: "rnd", processes: processes, file: "generated", baseDirectory: "/srv")
  }

  @Test func everyGeneratedPoolCompilesWithTheMappingInvariants() throws {
    var generator = SeededGenerator(seed: 77)
    let compiler = UnitCompiler(options: TestPools.options)
    for _ in 0..<500 {
      let pool = Self.randomPool(using: &generator)
      let compiled = try compiler.compile(pool)
      #expect(try compiler.compile(pool) == compiled, "compiling twice must give the same units")
      let names = UnitNames(pool: pool.name)
      var seen = Set<String>()
      for unit in compiled.units { #expect(seen.insert(unit.name).inserted, "duplicate unit \(unit.name)") }
      for (name, spec) in pool.processes {
        let service = try #require(compiled.unit(named: names.service(name)))
        let dependencies = spec.dependsOn.sorted().map(names.service)
        #expect(service.values(of: "Requires").isEmpty)
        #expect(service.values(of: "Wants").first == (dependencies.isEmpty ? nil : .unitNames(dependencies)) || dependencies.isEmpty)
        #expect(service.values(of: "ExecCondition").count == (dependencies.isEmpty ? 0 : 1))
        #expect(service.values(of: "After") == (dependencies.isEmpty ? [] : [.unitNames(dependencies)]))
        #expect(service.values(of: "ExecStartPost").count == (spec.healthCheck == nil ? 0 : 1))
        let liveness = spec.restartPolicy == .always && spec.healthCheck != nil
        let checked = compiled.unit(named: names.health)?.values(of: "ExecStart").contains { value in
          guard case .exec(let command) = value else { return false }
          return command.argv.contains { $0.hasPrefix("{\"process\":\"\(name)\",") }
        } ?? false
        #expect(checked == liveness)
        // Dependencies come before dependents in the unit list, so transient creation order is valid.
        let position = compiled.units.firstIndex { $0.name == service.name }!
        for dependency in dependencies {
          #expect(compiled.units.firstIndex { $0.name == dependency }! < position)
        }
      }
      let transient = TransientUnitBuilder.build(compiled)
      #expect(transient.count == compiled.units.count - 1, "every unit but the target is transient")
      #expect(transient.allSatisfy { unit in unit.properties.allSatisfy { $0.value != .strings([]) } })
    }
  }
}
