import Testing

@testable import ProcessConfig

/// `depends_on` entries: names, or `{"process", "condition", "restart"}` objects.
@Suite struct DependencyConfigTests {
  private func parse(_ dependsOn: String, baseRestart: String = "on-failure") throws(ConfigError) -> PoolConfig {
    let text = """
      {"processes": {"base": {"command": ["x"], "restart_policy": "\(baseRestart)"}, "other": {"command": ["x"]},
        "app": {"command": ["x"], "depends_on": \(dependsOn)}}}
      """
    return try ConfigLoader.parse(Array(text.utf8), file: "c.json", baseDirectory: "/")
  }

  private func diagnostics(_ dependsOn: String, baseRestart: String = "on-failure") -> [String] {
    do {
      _ = try parse(dependsOn, baseRestart: baseRestart)
      return []
    } catch {
      return error.diagnostics.map { "\($0.path): \($0.message)" }
    }
  }

  @Test func namesAndObjectsMix() throws {
    let pool = try parse(#"["other", {"process": "base", "condition": "started", "restart": true}]"#)
    #expect(
      pool.processes["app"]!.dependencies == [
        Dependency(process: "other"), Dependency(process: "base", condition: .started, restart: true),
      ])
    #expect(pool.processes["app"]!.dependsOn == ["other", "base"])
    #expect(pool.topologicalOrder().last == "app")
  }

  @Test func objectDefaultsAreThoseOfAName() throws {
    let pool = try parse(#"[{"process": "base"}]"#)
    #expect(pool.processes["app"]!.dependencies == [Dependency(process: "base", condition: .healthy, restart: false)])
  }

  @Test func badEntriesAreReportedAtTheirPlace() {
    #expect(diagnostics(#"[{"process": "base", "condition": "healthly"}]"#) == [
      #"processes.app.depends_on[0].condition: unknown condition "healthly" (did you mean "healthy"?)"#
    ])
    #expect(diagnostics(#"[{"process": "base", "restart": "yes"}]"#) == [
      "processes.app.depends_on[0].restart: expected true or false, found a string"
    ])
    #expect(diagnostics(#"[{"condition": "started"}]"#).count == 1)
    #expect(diagnostics(#"[{"process": "bas"}]"#) == [
      #"processes.app.depends_on[0].process: unknown process "bas" (did you mean "base"?)"#
    ])
    #expect(diagnostics(#"[{"process": "base", "restrat": true}]"#) == [
      #"processes.app.depends_on[0].restrat: unknown key "restrat" (did you mean "restart"?)"#
    ])
    #expect(diagnostics(#"["base", {"process": "base"}]"#) == [
      #"processes.app.depends_on[1].process: duplicate dependency "base" (already at depends_on[0])"#
    ])
    #expect(diagnostics("[3]") == [#"processes.app.depends_on[0]: expected a process name or a {"process": ...} object, found a number"#])
  }

  @Test func aCompletionOfAnAlwaysProcessIsRefused() {
    let found = diagnostics(#"[{"process": "base", "condition": "completed_successfully"}]"#, baseRestart: "always")
    #expect(found.count == 1)
    #expect(found.first?.hasPrefix("processes.app.depends_on[0].condition: \"base\" has restart_policy \"always\"") == true)
    #expect(diagnostics(#"[{"process": "base", "condition": "completed_successfully"}]"#, baseRestart: "no") == [])
  }
}
