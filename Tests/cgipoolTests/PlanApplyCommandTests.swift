import CgiPoolTestSupport
import Foundation
import Testing

/// `plan` and `apply` through the binary against a real private manager.
@Suite(.enabled(if: PrivateManagerFixture.enabled), .serialized) struct PlanApplyCommandTests {
  static func config(baseX: String = "1", otherX: String = "1", withDep: Bool = true, withExtra: Bool = false) -> String {
    var processes = [
      #""base": {"command": ["sleep", "300"], "env": {"X": "\#(baseX)"}, "settle_time": 0.2}"#,
      #""other": {"command": ["sleep", "302"], "env": {"X": "\#(otherX)"}, "env_file": "other.env", "settle_time": 0.2}"#,
    ]
    if withDep { processes.append(#""dep": {"command": ["sleep", "301"], "depends_on": ["base"], "settle_time": 0.2}"#) }
    if withExtra { processes.append(#""extra": {"command": ["sleep", "303"], "settle_time": 0.2}"#) }
    return #"{"name": "i15-apply", "processes": {"# + processes.joined(separator: ", ") + "}}"
  }

  /// Each running process's main PID, from `status --json`.
  static func pids(_ scratch: PoolCommandTests.Scratch) throws -> [String: Int] {
    let status = try scratch.run(["status", "--json"])
    let document = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any], "\(status)")
    let processes = try #require(document["processes"] as? [[String: Any]])
    var pids: [String: Int] = [:]
    for process in processes {
      if let name = process["process"] as? String, let pid = process["mainPID"] as? Int, pid > 0 { pids[name] = pid }
    }
    return pids
  }

  static func planJSON(_ scratch: PoolCommandTests.Scratch) throws -> (status: Int32, text: String, document: [String: Any]) {
    let run = try scratch.run(["plan", "--json"])
    let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run)")
    return (run.status, run.stdout, document)
  }

  static func changed(_ document: [String: Any]) -> [String: String] {
    var actions: [String: String] = [:]
    for entry in document["processes"] as? [[String: Any]] ?? [] where entry["action"] as? String != "unchanged" {
      actions[entry["process"] as! String] = entry["action"] as? String
    }
    return actions
  }

  @Test func planNamesTheChangeAndApplyRestartsOnlyWhatChanged() throws {
    let scratch = try PoolCommandTests.Scratch(Self.config())
    defer { scratch.tearDown() }
    try "GREETING=one\n".write(toFile: scratch.folder + "/other.env", atomically: true, encoding: .utf8)
    let start = try scratch.run(["start"])
    #expect(start.status == 0, "\(start)")

    // Nothing changed: exit 0, stable JSON.
    let quiet = try scratch.run(["plan"])
    #expect(quiet.status == 0, "\(quiet)")
    #expect(quiet.stdout.contains("nothing to apply"), "\(quiet)")
    let first = try Self.planJSON(scratch)
    #expect(first.status == 0 && first.document["changes"] as? Bool == false, "\(first.text)")
    #expect(try Self.planJSON(scratch).text == first.text, "the JSON is stable")
    let before = try Self.pids(scratch)
    #expect(before.keys.sorted() == ["base", "dep", "other"], "\(before)")

    // One env value changed: exactly that process and setting.
    try Self.config(otherX: "2").write(toFile: scratch.config, atomically: true, encoding: .utf8)
    let plan = try scratch.run(["plan"])
    #expect(plan.status == 2, "\(plan)")
    #expect(plan.stdout.contains("~ change     other (i15-apply-other.service)\n    Environment: \"X=1\" → \"X=2\"\n"), "\(plan)")
    #expect(plan.stdout.contains("= unchanged  base\n") && plan.stdout.contains("= unchanged  dep\n"), "\(plan)")
    let json = try Self.planJSON(scratch)
    #expect(json.status == 2)
    #expect(Self.changed(json.document) == ["other": "change"], "\(json.text)")
    let other = (json.document["processes"] as? [[String: Any]])?.first { $0["process"] as? String == "other" }
    let settings = other?["settings"] as? [[String: Any]]
    #expect(settings?.count == 1 && settings?.first?["key"] as? String == "Environment", "\(json.text)")
    #expect(settings?.first?["old"] as? [String] == ["X=1"] && settings?.first?["new"] as? [String] == ["X=2"])

    let apply = try scratch.run(["apply"])
    #expect(apply.status == 0, "\(apply)")
    let after = try Self.pids(scratch)
    #expect(after["base"] == before["base"] && after["dep"] == before["dep"], "unchanged processes keep their PIDs: \(before) → \(after)")
    #expect(after["other"] != nil && after["other"] != before["other"], "the changed process restarted: \(before) → \(after)")
    #expect(try scratch.run(["plan"]).status == 0, "applied: nothing left to do")

    // A changed dependency takes its dependent along, and only those two.
    try Self.config(baseX: "2", otherX: "2").write(toFile: scratch.config, atomically: true, encoding: .utf8)
    let cascade = try scratch.run(["plan"])
    #expect(cascade.status == 2, "\(cascade)")
    #expect(cascade.stdout.contains("= unchanged  dep (restarts: depends on base)\n"), "\(cascade)")
    #expect(cascade.stdout.contains("apply restarts base, dep"), "\(cascade)")
    let cascaded = try scratch.run(["apply"])
    #expect(cascaded.status == 0, "\(cascaded)")
    let third = try Self.pids(scratch)
    #expect(third["other"] == after["other"], "\(after) → \(third)")
    #expect(third["base"] != after["base"] && third["dep"] != after["dep"] && third["dep"] != nil, "\(after) → \(third)")

    // An edited env file: the process still has the old content until it restarts.
    usleep(20_000)
    try "GREETING=two\n".write(toFile: scratch.folder + "/other.env", atomically: true, encoding: .utf8)
    let edited = try scratch.run(["plan"])
    #expect(edited.status == 2, "\(edited)")
    #expect(edited.stdout.contains("~ change     other (i15-apply-other.service)\n    EnvironmentFile: \(scratch.folder)/other.env changed since the process started\n"), "\(edited)")
    #expect(try scratch.run(["apply"]).status == 0)
    let fourth = try Self.pids(scratch)
    #expect(fourth["other"] != third["other"] && fourth["base"] == third["base"], "\(third) → \(fourth)")

    // Add one process, remove another.
    try Self.config(baseX: "2", otherX: "2", withDep: false, withExtra: true).write(toFile: scratch.config, atomically: true, encoding: .utf8)
    let reshape = try Self.planJSON(scratch)
    #expect(reshape.status == 2)
    #expect(Self.changed(reshape.document) == ["dep": "remove", "extra": "add"], "\(reshape.text)")
    let applied = try scratch.run(["apply"])
    #expect(applied.status == 0, "\(applied)")
    let fifth = try Self.pids(scratch)
    #expect(fifth.keys.sorted() == ["base", "extra", "other"], "\(fifth)")
    #expect(fifth["base"] == fourth["base"] && fifth["other"] == fourth["other"], "\(fourth) → \(fifth)")
    // The removed process is gone from the machine, not just from the listing.
    if let old = fourth["dep"] { #expect(kill(pid_t(old), 0) != 0, "dep's process \(old) still runs") }
    #expect(try scratch.run(["plan"]).status == 0)
  }
}
