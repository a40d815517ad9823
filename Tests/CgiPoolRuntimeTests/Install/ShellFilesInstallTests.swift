@testable import CgiPoolRuntime
import Foundation
import Testing
import UnitCompiler

/// `cgipool install` puts the completions and the man page where each shell looks, records them
/// with the binary, and leaves alone an identical file someone else put there (`make
/// install-shell`); a different one is not overwritten without `--force`. Run on a scratch home
/// with the user layout: real files, no root, no manager.
@Suite struct ShellFilesInstallTests {
  static let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("templates").path

  static let texts: [InstallLayout.ShellFile: String] = [
    .bash: "complete -F _cgipool cgipool\n", .zsh: "#compdef cgipool\n", .fish: "complete -c cgipool\n",
    .manual: ".TH CGIPOOL 1\n",
  ]

  static func withHome(_ body: (InstallLayout, InstallPlanner.BinarySource) throws -> Void) throws {
    let home = NSTemporaryDirectory() + "cgipool-i15-home-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: home) }
    let layout = InstallLayout(scope: .user, home: home)
    try body(layout, InstallPlanner.BinarySource(binary: "/bin/true", templates: templates, shellFiles: texts))
  }

  static func writes(_ steps: [InstallStep]) -> [String] {
    steps.compactMap { step in
      if case .write(let path, _, _) = step { return path }
      return nil
    }
  }

  @Test func installWritesThemAndUninstallRemovesThem() throws {
    try Self.withHome { layout, source in
      let planner = InstallPlanner(layout: layout)
      let steps = try planner.binarySteps(source)
      for file in InstallLayout.ShellFile.allCases {
        #expect(Self.writes(steps).contains(layout.path(of: file)), "\(file)")
      }
      #expect(layout.path(of: .bash) == layout.home + "/.local/share/bash-completion/completions/cgipool")
      #expect(layout.path(of: .fish) == layout.home + "/.config/fish/completions/cgipool.fish")
      try InstallExecutor(manager: nil).perform(steps)
      for file in InstallLayout.ShellFile.allCases {
        #expect(try String(contentsOfFile: layout.path(of: file), encoding: .utf8) == Self.texts[file])
      }
      // A second install writes nothing.
      #expect(Self.writes(try planner.binarySteps(source)).filter { $0.contains("completion") || $0.hasSuffix(".1") } == [])
      // The binary's manifest lists them, so the last uninstall takes them away.
      var removals: [InstallStep] = []
      _ = try planner.binaryRemovals(into: &removals)
      for file in InstallLayout.ShellFile.allCases {
        #expect(removals.contains(.remove(layout.path(of: file))), "\(file)")
      }
    }
  }

  @Test func anIdenticalFileOfSomeoneElseIsLeftTheirsAndADifferentOneRefused() throws {
    try Self.withHome { layout, source in
      let bash = layout.path(of: .bash)
      try FileManager.default.createDirectory(atPath: (bash as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      try Self.texts[.bash]!.write(toFile: bash, atomically: true, encoding: .utf8)
      let planner = InstallPlanner(layout: layout)
      let steps = try planner.binarySteps(source)
      #expect(!Self.writes(steps).contains(bash))
      try InstallExecutor(manager: nil).perform(steps)
      var removals: [InstallStep] = []
      _ = try planner.binaryRemovals(into: &removals)
      #expect(!removals.contains(.remove(bash)), "uninstall would remove a file install did not write")

      let zsh = layout.path(of: .zsh)
      let other = InstallLayout(scope: .user, home: layout.home + "/other")
      try FileManager.default.createDirectory(
        atPath: (other.path(of: .zsh) as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      try "#compdef someone-else\n".write(toFile: other.path(of: .zsh), atomically: true, encoding: .utf8)
      #expect(throws: InstallError.self) { try InstallPlanner(layout: other).binarySteps(source) }
      #expect(Self.writes(try InstallPlanner(layout: other, force: true).binarySteps(source)).contains(other.path(of: .zsh)))
      #expect(FileManager.default.fileExists(atPath: zsh))
    }
  }
}
