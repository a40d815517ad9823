import ProcessConfig
import UnitCompiler

/// Pools built in code, so compiler tests do not depend on the config decoder.
enum TestPools {
  /// A file system where a few known executables exist and every folder exists.
  struct PermissiveFileSystem: FileSystemInspecting {
    static let executables: Set = ["/usr/bin/python3", "/usr/bin/sleep", "/usr/bin/true", "/opt/cgipool/bin/cgipool"]
    func isExecutableFile(_ path: String) -> Bool { Self.executables.contains(path) }
    func isDirectory(_ path: String) -> Bool { true }
  }

  static let options = CompileOptions(
    probeExecutable: "/opt/cgipool/bin/cgipool", searchPath: "/usr/bin", fileSystem: PermissiveFileSystem())

  /// The demo's shape: two workers, a manager depending on both, a proxy on the manager, a oneshot.
  static func demo() -> PoolConfig {
    let processes: [ProcessSpec] = [
      ProcessSpec(
        name: "pool_manager", command: ["python3", "pool/manager.py", "--port", "8001"], cwd: ".",
        env: ["POOL_SIZE": "4"], restartPolicy: .always, startupDelay: 2, dependsOn: ["worker_b", "worker_a"],
        healthCheck: HealthCheck(kind: .http, target: "http://localhost:8001/health", timeout: 10)),
      ProcessSpec(
        name: "proxy", command: ["python3", "proxy.py", "--port", "8080"], cwd: "proxy",
        restartPolicy: .onFailure, dependsOn: ["pool_manager"],
        healthCheck: HealthCheck(kind: .port, target: "8080", timeout: 30)),
      ProcessSpec(name: "worker_a", command: ["/usr/bin/sleep", "1000"], stopTimeout: 2.5),
      ProcessSpec(
        name: "worker_b", command: ["python3", "w.py"], restartPolicy: .onFailure,
        healthCheck: HealthCheck(kind: .command, target: "test -e /tmp", timeout: 1.5)),
      ProcessSpec(name: "warmup", command: ["/usr/bin/true"], restartPolicy: .no),
    ]
    return PoolConfig(
      name: "demo", processes: Dictionary(uniqueKeysWithValues: processes.map { ($0.name, $0) }),
      file: "ops/process_config.json", baseDirectory: "/srv/pool")
  }
}
