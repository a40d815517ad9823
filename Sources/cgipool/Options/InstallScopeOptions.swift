import ArgumentParser
import CgiPoolRuntime
import Foundation
import UnitCompiler

/// `--system` / `--user` for install and uninstall, and the default the other commands use.
struct InstallScopeOptions: ParsableArguments {
  @Flag(help: "Install for the system manager (/etc/systemd/system; started at boot).")
  var system = false

  @Flag(help: "Install for your user manager (~/.config/systemd/user; started at login).")
  var user = false

  func validate() throws {
    if system && user { throw ValidationError("--system and --user cannot be combined: choose one manager") }
  }

  /// The layout chosen: the flags, else as the other commands choose the manager (the system
  /// manager when root on a host booted with systemd, else the user manager when one answers).
  /// `nil` when there is none: cgipool would run its private manager, which nothing starts at boot.
  func layout(probeUserManager: Bool = true) -> InstallLayout? {
    let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
    if system { return .system }
    if user { return InstallLayout(scope: .user, home: home) }
    let host = ManagerLocator.Host.current
    if host.isRoot && host.bootedWithSystemd { return .system }
    if probeUserManager, (try? ManagerLocator(selection: .user).locate(startPrivate: false)) != nil {
      return InstallLayout(scope: .user, home: home)
    }
    return nil
  }

  /// The manager selection matching `layout`.
  /// The flags as given, for the same command run on another machine (`--host`).
  var arguments: [String] { (system ? ["--system"] : []) + (user ? ["--user"] : []) }

  static func selection(_ layout: InstallLayout) -> ManagerLocator.Selection {
    layout.scope == .system ? .system : .user
  }
}
