import CgiPoolRuntime
import CgiPoolTestSupport
import Foundation
import Testing

/// The sandbox is applied, not only accepted: the kernel's view of each process (its
/// /proc status, what it may write) under a real private manager.
@Suite(.enabled(if: PrivateManagerFixture.enabled)) struct SandboxEnforcementTests {
  /// `/proc/PID/status` fields by name.
  static func status(_ pid: Int32) throws -> [String: String] {
    let text = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
    var fields: [String: String] = [:]
    for line in text.split(separator: "\n") {
      guard let colon = line.firstIndex(of: ":") else { continue }
      fields[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    return fields
  }

  /// A shell line that writes `file` and records in `record` whether the write went through.
  static func attempt(_ file: String, record: String) -> String {
    "if echo x > \(file) 2>/dev/null; then echo wrote; else echo refused; fi > \(record)"
  }

  @Test func strictAndDefaultTakeAwayWhatTheySay() throws {
    let folder = NSTemporaryDirectory() + "cgipool-i18-sandbox-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder + "/data", withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: folder + "/logs", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let strict = [Self.attempt("denied", record: "data/strict-cwd"), Self.attempt("data/ok", record: "data/strict-writable"), "exec sleep 300"]
    let standard = [
      Self.attempt("allowed", record: "data/default-cwd"), Self.attempt("/usr/cgipool-i18-denied", record: "data/default-usr"),
      "exec sleep 300",
    ]
    let json = """
      {"name": "i18-enforce", "processes": {
        "strict": {"command": ["/bin/sh", "-c", \(RuntimeHarness.quote(strict.joined(separator: "; ")))],
          "sandbox": {"level": "strict", "writable": ["data"]}},
        "standard": {"command": ["/bin/sh", "-c", \(RuntimeHarness.quote(standard.joined(separator: "; ")))]},
        "caps": {"command": ["sleep", "300"], "sandbox": {"level": "strict", "capabilities": ["CAP_NET_BIND_SERVICE"]}},
        "open": {"command": ["sleep", "300"], "sandbox": "none"}
      }}
      """
    try RuntimeHarness.withPool(json, folder: folder) { context in
      let report = try context.runtime.start()
      #expect(report.succeeded, "\(report)")
      let pids = Dictionary(
        uniqueKeysWithValues: try context.runtime.status().processes.compactMap { process in
          process.mainPID.map { (process.process, $0) }
        })
      func record(_ name: String) -> String? {
        (try? String(contentsOfFile: folder + "/data/" + name, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
      }
      let records = ["strict-cwd", "strict-writable", "default-cwd", "default-usr"]
      #expect(RuntimeHarness.eventually { records.allSatisfy { !(record($0) ?? "").isEmpty } })
      #expect(record("strict-cwd") == "refused", "strict: the working directory is read-only")
      #expect(record("strict-writable") == "wrote", "strict: a declared writable path is writable")
      #expect(record("default-cwd") == "wrote", "default: the working directory stays writable")
      #expect(record("default-usr") == "refused", "default: /usr is read-only")
      #expect(!FileManager.default.fileExists(atPath: "/usr/cgipool-i18-denied"))

      for name in ["strict", "standard"] {
        let fields = try Self.status(try #require(pids[name], "\(name) runs"))
        #expect(fields["NoNewPrivs"] == "1", "\(name)")
        #expect(fields["Seccomp"] == "2", "\(name): a seccomp filter is loaded")
        #expect(fields["CapBnd"] == "0000000000000000", "\(name): no capabilities")
        #expect(fields["CapEff"] == "0000000000000000", "\(name)")
      }
      // strict: a user namespace of its own (PrivateUsers=) where root maps to root only.
      let strictMap = try String(contentsOfFile: "/proc/\(try #require(pids["strict"]))/uid_map", encoding: .utf8)
      #expect(!strictMap.contains("4294967295"), "strict runs in a private user namespace: \(strictMap)")
      let caps = try Self.status(try #require(pids["caps"]))
      #expect(caps["CapBnd"] == "0000000000000400", "only CAP_NET_BIND_SERVICE is kept")
      #expect(caps["CapAmb"] == "0000000000000400")
      let open = try Self.status(try #require(pids["open"]))
      #expect(open["NoNewPrivs"] == "0")
      #expect(open["Seccomp"] == "0")
      _ = try context.runtime.stop()
    }
  }
}
