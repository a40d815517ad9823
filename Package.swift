// swift-tools-version:6.0
import PackageDescription

// Dependencies point one way:
// ProcessConfig <- UnitCompiler <- CgiPoolRuntime <- cgipool (CLI); ConfigImport sits beside
// UnitCompiler on ProcessConfig and only the CLI uses it.
// Only CgiPoolRuntime and the CLI see SystemdBus, the one wrapper over CSystemd.
let package = Package(
  name: "cgipool",
  products: [
    .executable(name: "cgipool", targets: ["cgipool"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    .package(url: "https://github.com/jpsim/Yams", exact: "5.0.1"),
  ],
  targets: [
    .target(name: "ProcessConfig"),
    // Reads supervisord, process-compose and Procfile files into a process config (pure: no systemd).
    .target(
      name: "ConfigImport",
      dependencies: ["ProcessConfig", .product(name: "Yams", package: "Yams")]
    ),
    .target(
      name: "UnitCompiler",
      dependencies: [
        "ProcessConfig",
        .product(name: "Mustache", package: "swift-mustache"),
      ]
    ),
    .systemLibrary(
      name: "CSystemd",
      pkgConfig: "libsystemd",
      providers: [.apt(["libsystemd-dev"])]
    ),
    .target(name: "SystemdBus", dependencies: ["CSystemd"]),
    // HTTPS health checks load libcurl at run time, so no run of cgipool pays for a TLS stack it does not use.
    .target(name: "CHTTPSGet"),
    .target(
      name: "CgiPoolRuntime",
      dependencies: ["ProcessConfig", "UnitCompiler", "SystemdBus", "CHTTPSGet"]
    ),
    .executableTarget(
      name: "cgipool",
      dependencies: [
        "ProcessConfig",
        "ConfigImport",
        "UnitCompiler",
        "CgiPoolRuntime",
        "SystemdBus",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // Test helpers without dependencies (seeded generator, generated strings, golden files), so
    // the pure layers' tests link no libsystemd.
    .target(name: "CgiPoolTestKit", path: "Tests/Kit"),
    .testTarget(name: "ProcessConfigTests", dependencies: ["ProcessConfig", "CgiPoolTestKit"], exclude: ["Fixtures"]),
    .testTarget(name: "ConfigImportTests", dependencies: ["ConfigImport", "ProcessConfig", "CgiPoolTestKit"], exclude: ["Fixtures"]),
    .testTarget(name: "UnitCompilerTests", dependencies: ["UnitCompiler", "ProcessConfig", "CgiPoolTestKit"]),
    // Fuzz targets (`make fuzz`): libFuzzer entry points under -DFUZZING, corpus replayers otherwise.
    .target(name: "FuzzSupport"),
    .target(name: "CFuzzDriver"),
    .executableTarget(name: "fuzz-config", dependencies: ["ProcessConfig", "FuzzSupport", "CFuzzDriver"]),
    .executableTarget(name: "fuzz-escape", dependencies: ["UnitCompiler", "FuzzSupport", "CFuzzDriver"]),
    // Shared by the test targets that need a systemd manager: a real (private) one, or the fake.
    .target(
      name: "CgiPoolTestSupport",
      dependencies: ["CgiPoolRuntime", "SystemdBus"],
      path: "Tests/Support"
    ),
    .testTarget(name: "SystemdBusTests", dependencies: ["SystemdBus", "CgiPoolRuntime", "CgiPoolTestSupport"]),
    .testTarget(
      name: "CgiPoolRuntimeTests",
      dependencies: ["CgiPoolRuntime", "UnitCompiler", "ProcessConfig", "SystemdBus", "CgiPoolTestSupport", "CgiPoolTestKit", "FuzzSupport"],
      exclude: ["Fixtures"]
    ),
    .testTarget(name: "cgipoolTests", dependencies: ["ProcessConfig", "CgiPoolTestSupport", "CgiPoolTestKit"], exclude: ["Fixtures", "Snapshots"]),
  ],
  swiftLanguageModes: [.v6]
)
