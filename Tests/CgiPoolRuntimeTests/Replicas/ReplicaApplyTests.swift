import CgiPoolRuntime
import CgiPoolTestSupport
import Foundation
import ProcessConfig
import Testing

/// `apply` of a replicated process on a real private manager: its changed instances restart one
/// at a time, each healthy before the next; a failing one stops the roll; a changed `listen`
/// moves each instance's socket.
@Suite(.enabled(if: PrivateManagerFixture.enabled)) struct ReplicaApplyTests {
  /// `ReplicaRuntimeTests.pool` (each instance healthy once its ready file names its PID, refusing
  /// to start while `fail-<i>` exists), with `LABEL` set to `label`, an env file, and `listen`.
  /// With `frontFollows`, front depends on w with `restart: true`.
  static func pool(name: String, label: String, envFile: Bool = false, listen: Int? = nil, frontFollows: Bool = false) -> String {
    let script =
      "[ -f fail-{replica} ] && exit 3; trap 'rm -f ready-{replica}; exit 0' TERM; sleep 0.3; "
      + "echo $$ > ready-{replica}; sleep 300 & wait"
    return """
      {"name": "\(name)", "processes": {
        "w": {"command": ["/bin/sh", "-c", \(RuntimeHarness.quote(script))], "replicas": 3,
          "env": {"LABEL": "\(label)"}, \(envFile ? #""env_file": "w.env","# : "")
          \(listen.map { #""listen": "127.0.0.1:\#($0)","# } ?? "")
          "restart_delay": 0.1, "stop_timeout": 5,
          "health_check": {"type": "command", "target": "test \\"$(cat ready-{replica} 2>/dev/null)\\" = \\"$MAINPID\\"", "timeout": 5, "interval": 60}},
        "front": {"command": ["/bin/sleep", "300"], "depends_on": [\(frontFollows ? #"{"process": "w", "restart": true}"# : #""w""#)]}
      }}
      """
  }

  static func runtime(_ json: String, like context: RuntimeHarness.Context) throws -> PoolRuntime {
    try RuntimeHarness.runtime(
      for: ConfigLoader.parse(Array(json.utf8), file: "test.json", baseDirectory: context.folder), like: context)
  }

  /// Each instance's PID and ready file as a roll (`apply`, `restart NAME`) announces an instance's turn.
  struct Snapshot {
    var instance: String
    var pids: [String: Int32]
    var ready: [String: String]
  }

  static func snapshot(_ instance: String, _ runtime: PoolRuntime, folder: String) -> Snapshot {
    var ready: [String: String] = [:]
    for replica in 1...3 {
      ready["w@\(replica)"] = (try? String(contentsOfFile: folder + "/ready-\(replica)", encoding: .utf8))?
        .trimmingCharacters(in: .whitespacesAndNewlines)
    }
    return Snapshot(instance: instance, pids: (try? ReplicaRuntimeTests.pids(runtime)) ?? [:], ready: ready)
  }

  /// At each turn, the instances before it run their new process and are healthy; the later
  /// ones still run the old one.
  static func expectRolled(_ seen: [Snapshot], old: [String: Int32]) {
    #expect(seen.map(\.instance) == ["w@1", "w@2", "w@3"])
    for (step, snapshot) in seen.enumerated() {
      for replica in 1...3 {
        let name = "w@\(replica)"
        if replica <= step {
          #expect(snapshot.pids[name] != old[name], "step \(step): \(name) not restarted yet")
          #expect(snapshot.ready[name] == snapshot.pids[name].map(String.init), "step \(step): \(name) not healthy")
        } else {
          #expect(snapshot.pids[name] == old[name], "step \(step): \(name) restarted too early")
        }
      }
    }
  }

  @Test func aChangedSettingRollsTheInstancesAndTheDependentFollows() throws {
    try RuntimeHarness.withPool(Self.pool(name: "i15-apply-roll", label: "old")) { context in
      #expect(try context.runtime.start().succeeded)
      let old = try ReplicaRuntimeTests.pids(context.runtime)
      let changed = try Self.runtime(Self.pool(name: "i15-apply-roll", label: "new"), like: context)
      let plan = try changed.plan()
      #expect(plan.rolling == ["w@1", "w@2", "w@3"], "\(plan)")
      // front names the instances (Wants=): the new definitions are made only once it is stopped.
      #expect(plan.entries.first { $0.process == "front" }?.follows == ["w@1", "w@2", "w@3"])
      var seen: [Snapshot] = []
      let report = try #require(
        try changed.apply(plan, stopped: { _ in }, progress: { _ in }, rolling: { instance in
          seen.append(Self.snapshot(instance, changed, folder: context.folder))
        }))
      #expect(report.succeeded && report.halted == nil, "\(report)")
      Self.expectRolled(seen, old: old)
      let now = try ReplicaRuntimeTests.pids(changed)
      for replica in 1...3 {
        let pid = try #require(now["w@\(replica)"])
        #expect(ReplicaRuntimeTests.environment(pid)["LABEL"] == "new")
      }
      #expect(now["front"] != nil && now["front"] != old["front"], "the dependent that follows runs again")
      #expect(try !changed.plan().hasChanges)
    }
  }

  /// With `frontFollows` (`restart: true`), front keeps its PID through the roll and restarts
  /// once, after it, as after `restart NAME`.
  @Test(arguments: [false, true]) func anEditedEnvFileRollsTheInstancesAndTheDependentKeepsItsPID(frontFollows: Bool) throws {
    try RuntimeHarness.withPoolPreparing(
      Self.pool(name: frontFollows ? "i15-apply-envf" : "i15-apply-envfile", label: "same", envFile: true, frontFollows: frontFollows),
      prepare: { folder in try "MODE=old\n".write(toFile: folder + "/w.env", atomically: true, encoding: .utf8) }
    ) { context in
      #expect(try context.runtime.start().succeeded)
      let old = try ReplicaRuntimeTests.pids(context.runtime)
      // Modification times count in µs: written after every instance started.
      try "MODE=new\n".write(toFile: context.folder + "/w.env", atomically: true, encoding: .utf8)
      let plan = try context.runtime.plan()
      #expect(plan.rolling == ["w@1", "w@2", "w@3"], "\(plan)")
      #expect(plan.entries.allSatisfy { $0.follows.isEmpty }, "an edited env file needs no new definition")
      var seen: [Snapshot] = []
      let report = try #require(
        try context.runtime.apply(plan, stopped: { _ in }, progress: { _ in }, rolling: { instance in
          seen.append(Self.snapshot(instance, context.runtime, folder: context.folder))
        }))
      #expect(report.succeeded, "\(report)")
      Self.expectRolled(seen, old: old)
      let now = try ReplicaRuntimeTests.pids(context.runtime)
      for replica in 1...3 {
        let pid = try #require(now["w@\(replica)"])
        #expect(ReplicaRuntimeTests.environment(pid)["MODE"] == "new")
      }
      #expect(seen.allSatisfy { $0.pids["front"] == old["front"] }, "front kept running through the roll")
      if frontFollows {
        #expect(report.start.results.map(\.process) == ["w@1", "w@2", "w@3", "front"], "\(report)")
        #expect(now["front"] != nil && now["front"] != old["front"], "\(old) -> \(now)")
      } else {
        #expect(now["front"] == old["front"], "a dependent does not restart for an env file")
      }
    }
  }

  @Test func aFailingInstanceStopsTheRollAndTheRestKeepTheOldDefinition() throws {
    try RuntimeHarness.withPool(Self.pool(name: "i15-apply-halt", label: "old")) { context in
      #expect(try context.runtime.start().succeeded)
      let old = try ReplicaRuntimeTests.pids(context.runtime)
      FileManager.default.createFile(atPath: context.folder + "/fail-2", contents: Data())
      let changed = try Self.runtime(Self.pool(name: "i15-apply-halt", label: "new"), like: context)
      let report = try #require(try changed.apply(try changed.plan(), stopped: { _ in }, progress: { _ in }))
      #expect(!report.succeeded)
      let halted = try #require(report.halted)
      #expect(halted.process == "w" && halted.instance == "w@2" && halted.untouched == ["w@3"])
      let now = try ReplicaRuntimeTests.pids(changed)
      let first = try #require(now["w@1"])
      #expect(first != old["w@1"] && ReplicaRuntimeTests.environment(first)["LABEL"] == "new")
      let third = try #require(old["w@3"])
      #expect(now["w@3"] == third && RuntimeHarness.isAlive(third), "the third keeps running")
      #expect(ReplicaRuntimeTests.environment(third)["LABEL"] == "old")
    }
  }

  @Test func aChangedListenMovesEveryInstanceSocket() throws {
    let (before, after) = (RuntimeHarness.freePort(), RuntimeHarness.freePort())
    try RuntimeHarness.withPool(Self.pool(name: "i15-apply-listen", label: "same", listen: before)) { context in
      #expect(try context.runtime.start().succeeded)
      #expect(!FreePort.isFree(before), "the instances' sockets hold the first port")
      let changed = try Self.runtime(Self.pool(name: "i15-apply-listen", label: "same", listen: after), like: context)
      let plan = try changed.plan()
      for replica in 1...3 {
        let entry = try #require(plan.entries.first { $0.process == "w@\(replica)" })
        #expect(entry.settings == [PoolPlan.SettingChange(key: "ListenStream", old: ["127.0.0.1:\(before)"], new: ["127.0.0.1:\(after)"])])
      }
      #expect(plan.rolling == ["w@1", "w@2", "w@3"])
      let report = try #require(try changed.apply(plan, stopped: { _ in }, progress: { _ in }))
      #expect(report.succeeded, "\(report)")
      #expect(FreePort.isFree(before), "no socket is left on the old port")
      #expect(!FreePort.isFree(after), "the new sockets listen")
      #expect(try !changed.plan().hasChanges)
    }
  }
}
