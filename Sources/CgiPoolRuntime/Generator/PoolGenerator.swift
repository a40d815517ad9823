import Foundation
import ProcessConfig
import UnitCompiler

/// The systemd generator: compiles every config in `/etc/cgipool` into unit files.
///
/// Runs at boot and at every daemon-reload while PID 1 waits for it, so it asks the manager
/// nothing (no D-Bus): it reads the configs and the file system only. Each pool's target is
/// wired into `multi-user.target`. An invalid config yields only a failing unit carrying its
/// diagnostics (`InvalidConfigUnit`), so it never blocks the boot or the other pools. A pool
/// installed as unit files is skipped and reported.
public struct PoolGenerator {
  /// What the generator writes and says.
  public struct Output: Sendable {
    /// Unit files: name (relative to the output folder) and text, in config order.
    public var files: [(name: String, text: String)] = []
    /// Symbolic links: name (relative to the output folder) and target.
    public var links: [(name: String, target: String)] = []
    /// One line per config that was skipped or is invalid.
    public var reports: [String] = []
  }

  /// The folder of the configs.
  public var configDirectory: String
  /// The layout of unit-file installs (for "installed the other way").
  public var layout: InstallLayout
  /// How pools are compiled (the probe path is the installed binary).
  public var options: CompileOptions
  /// The renderer for every unit.
  public var renderer: UnitFileRenderer

  /// Creates a generator; `options.wantedBy` should be the system's `multi-user.target`.
  public init(configDirectory: String, layout: InstallLayout, options: CompileOptions, renderer: UnitFileRenderer) {
    self.configDirectory = configDirectory
    self.layout = layout
    self.options = options
    self.renderer = renderer
  }

  /// Compiles every `*.json` of the config folder (sorted by name).
  public func generate() -> Output {
    var output = Output()
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: configDirectory)) ?? [])
      .filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted()
    var pools: [String: String] = [:]  // pool -> the config that defined it
    let wants = layout.wantedBy + ".wants/"
    for name in names {
      let file = configDirectory + "/" + name
      func fail(_ lines: [String]) {
        let unit = InvalidConfigUnit.definition(file: file, lines: lines)
        let compiled = CompiledPool(poolName: "cgipool-config", units: [unit])
        // A broken template must not hide the diagnostics: fall back to the bare sections.
        let text =
          (try? renderer.render(unit, pool: compiled, configFile: file))
          ?? (try? UnitFileRenderer(template: "{{{body}}}\n").render(unit, pool: compiled, configFile: file)) ?? ""
        output.files.append((unit.name, text))
        output.links.append((wants + unit.name, "../" + unit.name))
        output.reports.append(lines.joined(separator: "\n"))
      }
      let pool: PoolConfig
      do {
        pool = try ConfigLoader.load(file: file)
      } catch {
        fail(error.reportLines(file: file))
        continue
      }
      if let first = pools[pool.name] {
        fail(["error: \(file): pool \"\(pool.name)\" is already defined by \(first): one config per pool"])
        continue
      }
      pools[pool.name] = file
      if FileManager.default.fileExists(atPath: layout.manifest(pool: pool.name)) {
        output.reports.append(
          "skipped \(file): pool \(pool.name) is installed as unit files (\(layout.manifest(pool: pool.name)))")
        continue
      }
      let compiled: CompiledPool
      do {
        compiled = try UnitCompiler(options: options).compile(pool)
      } catch {
        fail(error.reportLines(file: file))
        continue
      }
      do {
        output.files += try renderer.renderAll(compiled, configFile: file)
      } catch {
        fail(["error: \(file): cannot render the units: \(error)"])
        continue
      }
      let target = UnitNames(pool: pool.name).target
      output.links.append((wants + target, "../" + target))
    }
    return output
  }

  /// Writes `output` into `directory` (systemd's generator output folder, which it empties
  /// before each run).
  public static func write(_ output: Output, to directory: String) throws(InstallError) {
    for (name, text) in output.files {
      try InstallFiles.writeAtomically(Data(text.utf8), to: directory + "/" + name, mode: 0o644)
    }
    for (name, target) in output.links {
      let path = directory + "/" + name
      let folder = (path as NSString).deletingLastPathComponent
      do {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      } catch {
        throw InstallError("cannot create folder \(folder): \(error.localizedDescription)")
      }
      try InstallFiles.perform(.link(path, target: target))
    }
  }
}
