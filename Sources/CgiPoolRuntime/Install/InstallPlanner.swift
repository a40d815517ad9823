import Foundation
import ProcessConfig
import UnitCompiler

/// Plans installs and uninstalls as lists of steps, checking first that nothing it did not
/// write would be overwritten (unless `force`) and that a pool is installed one way only.
///
/// Planning reads the file system and changes nothing; `InstallFiles.perform` and the
/// manager carry the steps out.
public struct InstallPlanner: Sendable {
  /// Where things go.
  public var layout: InstallLayout
  /// Overwrite files install did not write.
  public var force: Bool
  /// The folder of the generator's configs (replaceable in tests).
  public var generatorConfigDirectory: String

  /// Creates a planner.
  public init(layout: InstallLayout, force: Bool = false, generatorConfigDirectory: String = InstallLayout.generatorConfigDirectory) {
    self.layout = layout
    self.force = force
    self.generatorConfigDirectory = generatorConfigDirectory
  }

  /// What an install of the binary needs: the running binary and the templates to copy.
  public struct BinarySource: Sendable {
    /// The running binary (`/proc/self/exe`).
    public var binary: String
    /// The templates folder the running binary uses.
    public var templates: String
    /// The shell completions and man page the binary generated, by file.
    public var shellFiles: [InstallLayout.ShellFile: String]

    /// Creates a source.
    public init(binary: String, templates: String, shellFiles: [InstallLayout.ShellFile: String] = [:]) {
      self.binary = binary
      self.templates = templates
      self.shellFiles = shellFiles
    }
  }

  /// A pool to install as unit files.
  public struct UnitFilesPool: Sendable {
    /// The pool's name.
    public var name: String
    /// The config as the user named it.
    public var source: String
    /// The config copy's text (relative paths made absolute).
    public var config: String
    /// The rendered unit files.
    public var units: [(name: String, text: String)]

    /// Creates a pool to install.
    public init(name: String, source: String, config: String, units: [(name: String, text: String)]) {
      self.name = name
      self.source = source
      self.config = config
      self.units = units
    }
  }

  /// Reads the manifest at `path`; `nil` when there is none.
  public static func manifest(at path: String) throws(InstallError) -> InstallManifest? {
    guard InstallFiles.exists(path) else { return nil }
    guard let text = InstallFiles.read(path) else { throw InstallError("cannot read the install manifest \(path)") }
    do {
      return try InstallManifest(parsing: text)
    } catch {
      throw InstallError("the install manifest \(path) is damaged: \(error)")
    }
  }

  /// The manifest of `pool` installed as unit files in this layout, if it is.
  public func poolManifest(_ pool: String) throws(InstallError) -> InstallManifest? {
    try Self.manifest(at: layout.manifest(pool: pool))
  }

  /// Every pool installed as unit files in this layout, by name.
  public func installedPools() -> [String] {
    let folders = (try? FileManager.default.contentsOfDirectory(atPath: layout.stateRoot)) ?? []
    return folders.filter { InstallFiles.exists(layout.manifest(pool: $0)) }.sorted()
  }

  /// The generator configs (`*.json` in the generator's folder), sorted.
  public func generatorConfigs() -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: generatorConfigDirectory)) ?? []
    return names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted().map { generatorConfigDirectory + "/" + $0 }
  }

  /// The generator configs that define `pool` (the file named after it, and any whose `name` is it).
  public func generatorConfigs(of pool: String) -> [String] {
    generatorConfigs().filter { file in
      if (file as NSString).lastPathComponent == pool + ".json" { return true }
      return (try? ConfigLoader.load(file: file))?.name == pool
    }
  }

  /// Steps putting the binary, its link, the templates, the shell completions and the man page
  /// in place, and the binary manifest.
  public func binarySteps(_ source: BinarySource) throws(InstallError) -> [InstallStep] {
    let old = try Self.manifest(at: layout.binaryManifest)
    var recorder = Recorder(old: old)
    recorder.ensureFolder(layout.stateRoot)
    var conflicts: [String] = []
    func owned(_ path: String) -> Bool { old?.wrote(path) ?? false }
    if InstallFiles.resolved(source.binary) != InstallFiles.resolved(layout.binary) {
      if InstallFiles.exists(layout.binary) && !owned(layout.binary) { conflicts.append(layout.binary) }
      recorder.copy(source.binary, to: layout.binary, mode: 0o755)
    } else {
      recorder.keep(layout.binary)
    }
    if InstallFiles.exists(layout.binaryLink) && !owned(layout.binaryLink)
      && InstallFiles.linkTarget(layout.binaryLink) != layout.binary
    {
      conflicts.append(layout.binaryLink)
    }
    recorder.link(layout.binaryLink, target: layout.binary)
    let templates = ((try? FileManager.default.contentsOfDirectory(atPath: source.templates)) ?? [])
      .filter { $0.hasSuffix(".mustache") }.sorted()
    guard !templates.isEmpty else { throw InstallError("no templates (*.mustache) in \(source.templates)") }
    if InstallFiles.resolved(source.templates) != InstallFiles.resolved(layout.templates) {
      for name in templates {
        let target = layout.templates + "/" + name
        if InstallFiles.exists(target) && !owned(target) { conflicts.append(target) }
        recorder.copy(source.templates + "/" + name, to: target, mode: 0o644)
      }
    } else {
      for name in templates { recorder.keep(layout.templates + "/" + name) }
    }
    for file in InstallLayout.ShellFile.allCases {
      guard let text = source.shellFiles[file] else { continue }
      let path = layout.path(of: file)
      // The same file put there by someone else (`make install-shell`) stays theirs: left as it
      // is, and not removed by uninstall.
      if InstallFiles.exists(path) && !owned(path) {
        if InstallFiles.holds(path, text) { continue }
        conflicts.append(path)
      }
      recorder.write(path, contents: text, mode: 0o644)
    }
    try refuse(conflicts)
    let manifest = InstallManifest(subject: .binary, scope: layout.scope, entries: recorder.mergedEntries())
    recorder.writeManifest(manifest, to: layout.binaryManifest)
    return recorder.steps
  }

  /// Steps installing `pool` as unit files (binary steps not included), then reload and enable.
  ///
  /// Unit files of an earlier install of the pool that are no longer generated are removed.
  public func unitFileSteps(_ pool: UnitFilesPool) throws(InstallError) -> [InstallStep] {
    if layout.scope == .system, let file = generatorConfigs(of: pool.name).first {
      throw InstallError(
        "pool \(pool.name) is installed through the generator (\(file)); a pool is installed one way only: "
          + "run `cgipool uninstall --pool \(pool.name)` first, or keep the generator's")
    }
    for unit in pool.units where !InstallManifest.canRecord(layout.unitDirectory + "/" + unit.name) {
      throw InstallError("cannot install \(unit.name) in \(layout.unitDirectory): the path holds a tab or newline")
    }
    let old = try poolManifest(pool.name)
    var recorder = Recorder(old: old)
    var conflicts: [String] = []
    func check(_ path: String) {
      if InstallFiles.exists(path) && !(old?.wrote(path) ?? false) { conflicts.append(path) }
    }
    recorder.ensureFolder(layout.stateDirectory(pool: pool.name))
    check(layout.configCopy(pool: pool.name))
    recorder.write(layout.configCopy(pool: pool.name), contents: pool.config, mode: 0o644)
    let wants = layout.unitDirectory + "/" + layout.wantedBy + ".wants"
    recorder.ensureFolder(layout.unitDirectory)
    for unit in pool.units {
      let path = layout.unitDirectory + "/" + unit.name
      check(path)
      recorder.write(path, contents: unit.text, mode: 0o644)
    }
    try refuse(conflicts)
    // Files of the earlier install that this one no longer writes.
    let now = Set(recorder.entries.compactMap { entry -> String? in
      if case .file(let path) = entry { return path }
      return nil
    })
    for case .file(let path) in old?.entries ?? [] where !now.contains(path) {
      recorder.steps.append(.remove(path))
    }
    // `enable` creates the .wants folder when missing: record it, so uninstall removes it.
    if !InstallFiles.exists(wants) && !(old?.entries.contains(.directory(wants)) ?? false) {
      recorder.entries.append(.directory(wants))
    }
    let target = UnitNames(pool: pool.name).target
    recorder.entries.append(.enabled(target))
    let manifest = InstallManifest(
      subject: .pool(pool.name), scope: layout.scope, source: pool.source, entries: recorder.mergedEntries())
    recorder.writeManifest(manifest, to: layout.manifest(pool: pool.name))
    recorder.steps += [.reload, .enable(target)]
    return recorder.steps
  }

  /// The generator script: it runs the installed binary, which compiles `/etc/cgipool`.
  public var generatorScript: String {
    """
    #!/bin/sh
    # cgipool's systemd generator, written by `cgipool install --generator`; removed by
    # `cgipool uninstall --generator`. Compiles every \(generatorConfigDirectory)/*.json into units.
    exec \(layout.binary) generator "$@"

    """
  }

  /// Steps installing the generator (binary steps not included): the script, the config
  /// folder, and with `pool` its config (pool name, config text) in the folder; then a reload.
  public func generatorSteps(pool: (name: String, config: String)?) throws(InstallError) -> [InstallStep] {
    if let pool, InstallFiles.exists(layout.manifest(pool: pool.name)) {
      throw InstallError(
        "pool \(pool.name) is installed as unit files (\(layout.manifest(pool: pool.name))); a pool is installed one way only: "
          + "run `cgipool uninstall --pool \(pool.name)` first")
    }
    let old = try Self.manifest(at: layout.generatorManifest)
    var recorder = Recorder(old: old)
    recorder.ensureFolder(layout.stateRoot)
    let script = InstallLayout.generator
    if InstallFiles.exists(script) && !(old?.wrote(script) ?? false) && !force {
      throw InstallError("not overwriting \(script), which cgipool did not write (--force overwrites it)")
    }
    recorder.write(script, contents: generatorScript, mode: 0o755)
    recorder.ensureFolder(generatorConfigDirectory)
    let manifest = InstallManifest(subject: .generator, scope: .system, entries: recorder.mergedEntries())
    recorder.writeManifest(manifest, to: layout.generatorManifest)
    if let pool {
      // The pool's config belongs to the pool (uninstall --pool removes it), not to the generator.
      let path = generatorConfigDirectory + "/" + pool.name + ".json"
      let others = generatorConfigs(of: pool.name).filter { $0 != path }
      if !others.isEmpty {
        throw InstallError("pool \(pool.name) already has a config in \(generatorConfigDirectory): \(others.joined(separator: ", "))")
      }
      if !InstallFiles.holds(path, pool.config) { recorder.steps.append(.write(path, contents: pool.config, mode: 0o644)) }
    }
    recorder.steps.append(.reload)
    return recorder.steps
  }

  /// Steps removing the generator (and the binary when no pool is installed as unit files);
  /// refused while a config is left in the generator's folder.
  public func generatorUninstallSteps() throws(InstallError) -> [InstallStep] {
    let left = generatorConfigs()
    guard left.isEmpty else {
      throw InstallError(
        "the generator still has pools: \(left.joined(separator: ", ")); uninstall them first (cgipool uninstall --pool NAME)")
    }
    guard let manifest = try Self.manifest(at: layout.generatorManifest) else {
      throw InstallError("the generator is not installed (no \(layout.generatorManifest))")
    }
    var steps: [InstallStep] = []
    var folders = removals(manifest, into: &steps)
    steps.append(.remove(layout.generatorManifest))
    if installedPools().isEmpty { folders += try binaryRemovals(into: &steps) }
    steps += Self.folderRemovals(folders)
    steps.append(.reload)
    return steps
  }

  /// Steps removing a generated pool's configs, then a reload.
  public func generatedPoolUninstallSteps(pool: String) -> [InstallStep] {
    generatorConfigs(of: pool).map(InstallStep.remove) + [.reload]
  }

  /// Steps removing what the manifest of `pool` lists (after the pool was stopped), and the
  /// binary when no installed pool and no generator is left; ends with a reload.
  public func uninstallSteps(pool: String) throws(InstallError) -> [InstallStep] {
    guard let manifest = try poolManifest(pool) else {
      throw InstallError("pool \(pool) is not installed as unit files for the \(layout.scope.rawValue) manager (no \(layout.manifest(pool: pool)))")
    }
    var steps = manifest.enabledUnits.map(InstallStep.disable)
    var folders = removals(manifest, into: &steps)
    steps.append(.remove(layout.manifest(pool: pool)))
    if installedPools().allSatisfy({ $0 == pool }) && !InstallFiles.exists(layout.generatorManifest) {
      folders += try binaryRemovals(into: &steps)
    }
    steps += Self.folderRemovals(folders)
    steps.append(.reload)
    return steps
  }

  /// The binary manifest's files as remove steps (and the manifest itself); returns its folders.
  func binaryRemovals(into steps: inout [InstallStep]) throws(InstallError) -> [String] {
    guard let binary = try Self.manifest(at: layout.binaryManifest) else { return [] }
    let folders = removals(binary, into: &steps)
    steps.append(.remove(layout.binaryManifest))
    return folders
  }

  /// Appends remove steps for the manifest's files and links (last written first); returns its folders.
  func removals(_ manifest: InstallManifest, into steps: inout [InstallStep]) -> [String] {
    var folders: [String] = []
    for entry in manifest.entries.reversed() {
      switch entry {
      case .file(let path), .link(let path, _): steps.append(.remove(path))
      case .directory(let path): folders.append(path)
      case .enabled: break
      }
    }
    return folders
  }

  /// Folder removals, deepest first.
  static func folderRemovals(_ folders: [String]) -> [InstallStep] {
    var seen = Set<String>()
    return folders.filter { seen.insert($0).inserted }
      .sorted { ($0.split(separator: "/").count, $0) > ($1.split(separator: "/").count, $1) }
      .map(InstallStep.removeDirectoryIfEmpty)
  }

  func refuse(_ conflicts: [String]) throws(InstallError) {
    guard !conflicts.isEmpty, !force else { return }
    throw InstallError(
      "not overwriting files cgipool did not write: \(conflicts.joined(separator: ", ")) (--force overwrites them)")
  }

  /// Collects steps and the manifest entries describing them.
  struct Recorder {
    let old: InstallManifest?
    var steps: [InstallStep] = []
    var entries: [InstallManifest.Entry] = []
    var plannedFolders = Set<String>()

    init(old: InstallManifest?) {
      self.old = old
    }

    /// Creates the missing folders up to `path`.
    mutating func ensureFolder(_ path: String) {
      for folder in InstallFiles.missingFolders(path) where plannedFolders.insert(folder).inserted {
        steps.append(.createDirectory(folder))
        entries.append(.directory(folder))
      }
    }

    mutating func write(_ path: String, contents: String, mode: UInt32) {
      ensureFolder((path as NSString).deletingLastPathComponent)
      // Unchanged files are not rewritten: a second install changes nothing.
      if !InstallFiles.holds(path, contents) { steps.append(.write(path, contents: contents, mode: mode)) }
      entries.append(.file(path))
    }

    mutating func copy(_ source: String, to path: String, mode: UInt32) {
      ensureFolder((path as NSString).deletingLastPathComponent)
      if !InstallFiles.sameContents(source, path) { steps.append(.copy(from: source, to: path, mode: mode)) }
      entries.append(.file(path))
    }

    /// Writes the manifest unless it already says exactly this.
    mutating func writeManifest(_ manifest: InstallManifest, to path: String) {
      if !InstallFiles.holds(path, manifest.text) { steps.append(.write(path, contents: manifest.text, mode: 0o644)) }
    }

    /// Records a file already in place that counts as written (the running installed binary).
    mutating func keep(_ path: String) {
      if old?.wrote(path) ?? false { entries.append(.file(path)) }
    }

    mutating func link(_ path: String, target: String) {
      ensureFolder((path as NSString).deletingLastPathComponent)
      if InstallFiles.linkTarget(path) != target { steps.append(.link(path, target: target)) }
      entries.append(.link(path, target))
    }

    /// The manifest's entries: every folder first (those an earlier install created, which
    /// exist now so this plan does not create them but uninstall must still remove, then the
    /// new ones), then the rest in order; the same install gives the same manifest every time.
    func mergedEntries() -> [InstallManifest.Entry] {
      func isFolder(_ entry: InstallManifest.Entry) -> Bool {
        if case .directory = entry { return true }
        return false
      }
      var folders = (old?.entries ?? []).filter(isFolder)
      folders += entries.filter { isFolder($0) && !folders.contains($0) }
      return folders + entries.filter { !isFolder($0) }
    }
  }
}
