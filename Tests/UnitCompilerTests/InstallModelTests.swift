import CgiPoolTestKit
import Foundation
import Testing
import UnitCompiler

/// The pure parts of install: path rules, the manifest format, the generator's failing unit.
@Suite struct InstallModelTests {
  @Test func systemLayoutUsesTheFHSPaths() {
    let layout = InstallLayout.system
    #expect(layout.binary == "/usr/local/libexec/cgipool/cgipool")
    #expect(layout.binaryLink == "/usr/local/bin/cgipool")
    #expect(layout.templates == "/usr/local/share/cgipool/templates")
    #expect(layout.unitDirectory == "/etc/systemd/system")
    #expect(layout.wantedBy == "multi-user.target")
    #expect(layout.manifest(pool: "web") == "/var/lib/cgipool/web/manifest")
    #expect(layout.configCopy(pool: "web") == "/var/lib/cgipool/web/config.json")
    #expect(InstallLayout.templates(besideBinary: layout.binary) == layout.templates)
    #expect(InstallLayout.templates(besideBinary: "/work/.build/release/cgipool") == nil)
  }

  @Test func userLayoutLivesInTheHomeFolder() {
    let layout = InstallLayout(scope: .user, home: "/home/ann/")
    #expect(layout.binary == "/home/ann/.local/libexec/cgipool/cgipool")
    #expect(layout.unitDirectory == "/home/ann/.config/systemd/user")
    #expect(layout.wantedBy == "default.target")
    #expect(layout.stateDirectory(pool: "web") == "/home/ann/.local/state/cgipool/web")
    #expect(InstallLayout.templates(besideBinary: layout.binary) == layout.templates)
  }

  @Test func manifestRoundTrips() throws {
    let manifest = InstallManifest(
      subject: .pool("web"), scope: .system, source: "/srv/my pool/process_config.json",
      entries: [
        .directory("/var/lib/cgipool/web"), .file("/var/lib/cgipool/web/config.json"),
        .file("/etc/systemd/system/web.target"), .link("/usr/local/bin/cgipool", "/usr/local/libexec/cgipool/cgipool"),
        .directory("/etc/systemd/system/multi-user.target.wants"), .enabled("web.target"),
      ])
    let parsed = try InstallManifest(parsing: manifest.text)
    #expect(parsed == manifest)
    #expect(parsed.enabledUnits == ["web.target"])
    #expect(parsed.wrote("/etc/systemd/system/web.target"))
    #expect(!parsed.wrote("/var/lib/cgipool/web"))
    for subject in [InstallManifest.Subject.binary, .generator] {
      let other = InstallManifest(subject: subject, scope: .user, entries: [.file("/a b/c")])
      #expect(try InstallManifest(parsing: other.text) == other)
    }
  }

  @Test func damagedManifestsAreErrors() {
    #expect(throws: InstallManifest.ParseError.self) { try InstallManifest(parsing: "pool\tweb\nscope\tsystem\nfile\n") }
    #expect(throws: InstallManifest.ParseError.self) { try InstallManifest(parsing: "scope\tsystem\n") }
    #expect(throws: InstallManifest.ParseError.self) { try InstallManifest(parsing: "pool\tweb\nscope\tgalaxy\n") }
    #expect(!InstallManifest.canRecord("/a\tb"))
    #expect(!InstallManifest.canRecord("relative"))
  }

  @Test func invalidConfigUnitNamesAreEscapedAndDistinct() {
    #expect(InvalidConfigUnit.name(forFile: "/etc/cgipool/bad.json") == "cgipool-config-bad.service")
    #expect(InvalidConfigUnit.name(forFile: "/etc/cgipool/my pool-1.json") == "cgipool-config-my\\x20pool\\x2d1.service")
    #expect(InvalidConfigUnit.name(forFile: "/etc/cgipool/.x.json") == "cgipool-config-\\x2ex.service")
    // Generated file names: every unit name is valid for systemd and no two collide.
    var generator = SeededGenerator(seed: 11)
    var seen: [String: String] = [:]
    for _ in 0..<2_000 {
      let stem = NastyStrings.make(using: &generator).replacingOccurrences(of: "/", with: "")
      let name = InvalidConfigUnit.name(forFile: "/etc/cgipool/" + stem + ".json")
      #expect(name.utf8.allSatisfy { byte in
        (0x30...0x39).contains(byte) || (0x41...0x5a).contains(byte) || (0x61...0x7a).contains(byte) || [0x5f, 0x2e, 0x2d, 0x5c].contains(byte)
      }, "\(name)")
      if let earlier = seen[name] { #expect(earlier == stem, "\(stem.debugDescription) and \(earlier.debugDescription) collide") }
      seen[name] = stem
    }
  }

  @Test func invalidConfigUnitPrintsEveryLineAndFails() throws {
    let lines = ["error: /etc/cgipool/bad.json: name: invalid pool name \"a b\"", "100% $HOME \"quoted\" \\ done", "2 errors in /etc/cgipool/bad.json"]
    let unit = InvalidConfigUnit.definition(file: "/etc/cgipool/bad.json", lines: lines)
    guard case .exec(let command)? = unit.values(of: "ExecStart").first else {
      Issue.record("no ExecStart")
      return
    }
    // Run exactly the argv systemd would run: the lines come out unchanged, and it fails.
    let process = Process()
    process.executableURL = URL(fileURLWithPath: command.path)
    process.arguments = Array(command.argv.dropFirst())
    let errors = Pipe()
    process.standardError = errors
    try process.run()
    let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 1)
    #expect(text == lines.joined(separator: "\n") + "\n")
    #expect(unit.values(of: "Type") == [.string("oneshot")])
  }
}
