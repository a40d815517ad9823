/// Where an installed cgipool puts each file: the one source of every install path rule.
///
/// The system layout follows the FHS for locally installed software (`/usr/local`, `/etc`,
/// `/var/lib`); the user layout the XDG base folders under the user's home. Pure: the caller
/// supplies the home folder.
public struct InstallLayout: Sendable, Equatable {
  /// Which manager the units are installed for.
  public enum Scope: String, Sendable, Equatable {
    /// The system manager (PID 1): `/etc/systemd/system`, started at boot.
    case system
    /// The calling user's manager: `~/.config/systemd/user`, started at login.
    case user
  }

  /// The scope.
  public var scope: Scope
  /// The user's home folder (user scope only).
  public var home: String

  /// Creates the layout of `scope`; `home` matters for the user scope only.
  public init(scope: Scope, home: String = "/root") {
    self.scope = scope
    self.home = home.count > 1 && home.hasSuffix("/") ? String(home.dropLast()) : home
  }

  /// The system layout.
  public static let system = InstallLayout(scope: .system)

  /// The prefix binaries and shared data go under: `/usr/local`, or `~/.local`.
  public var prefix: String { scope == .system ? "/usr/local" : home + "/.local" }
  /// The installed binary every probe runs: `<prefix>/libexec/cgipool/cgipool`.
  public var binary: String { prefix + "/libexec/cgipool/cgipool" }
  /// The link on `PATH` to the installed binary: `<prefix>/bin/cgipool`.
  public var binaryLink: String { prefix + "/bin/cgipool" }
  /// The installed copy of the unit templates: `<prefix>/share/cgipool/templates`.
  public var templates: String { prefix + "/share/cgipool/templates" }

  /// A file of cgipool's shell integration, which the binary generates from its command
  /// definitions: a completion script per shell and the man page.
  public enum ShellFile: String, Sendable, CaseIterable {
    /// bash's completion script.
    case bash
    /// zsh's completion function.
    case zsh
    /// fish's completions.
    case fish
    /// The `cgipool(1)` man page.
    case manual
  }

  /// Where each shell is looking for `file`: the system's local folders (bash-completion, zsh's
  /// `site-functions`, fish's vendor folder, `man1`), or the user's (bash-completion's and man's
  /// XDG data folder, fish's own completions folder; zsh needs the folder on its `fpath`).
  public func path(of file: ShellFile) -> String {
    let share = prefix + "/share"
    switch file {
    case .bash: return share + "/bash-completion/completions/cgipool"
    case .zsh: return share + "/zsh/site-functions/_cgipool"
    case .fish: return scope == .system ? share + "/fish/vendor_completions.d/cgipool.fish" : home + "/.config/fish/completions/cgipool.fish"
    case .manual: return share + "/man/man1/cgipool.1"
    }
  }

  /// The folder unit files are installed into.
  public var unitDirectory: String { scope == .system ? "/etc/systemd/system" : home + "/.config/systemd/user" }
  /// The target an installed pool's target is wanted by, so it starts at boot (or login).
  public var wantedBy: String { scope == .system ? "multi-user.target" : "default.target" }

  /// The folder holding every pool's install state (never under `/etc/cgipool`).
  public var stateRoot: String { scope == .system ? "/var/lib/cgipool" : home + "/.local/state/cgipool" }
  /// The install state of one pool: its config copy and manifest.
  public func stateDirectory(pool: String) -> String { stateRoot + "/" + pool }
  /// The manifest of a pool installed as unit files.
  public func manifest(pool: String) -> String { stateDirectory(pool: pool) + "/manifest" }
  /// The installed copy of a pool's config (relative paths made absolute).
  public func configCopy(pool: String) -> String { stateDirectory(pool: pool) + "/config.json" }
  /// The manifest of the binary, its link and the templates, shared by every installed pool
  /// (a dot name: pool names cannot start with a dot, so no pool folder can collide).
  public var binaryManifest: String { stateRoot + "/.binary.manifest" }
  /// The manifest of the installed generator.
  public var generatorManifest: String { stateRoot + "/.generator.manifest" }

  /// The system generator systemd runs at boot and at every reload.
  public static let generator = "/etc/systemd/system-generators/cgipool"
  /// The folder of the configs the generator compiles (one pool per `*.json`).
  public static let generatorConfigDirectory = "/etc/cgipool"
  /// Where `install --generator --config` puts a pool's config.
  public static func generatorConfig(pool: String) -> String { generatorConfigDirectory + "/" + pool + ".json" }
  /// The folder systemd gives a system generator for ordinary units (its first argument).
  public static let generatorOutput = "/run/systemd/generator"

  /// The templates folder beside an installed binary at `binary`
  /// (`<prefix>/libexec/cgipool/cgipool` -> `<prefix>/share/cgipool/templates`).
  public static func templates(besideBinary binary: String) -> String? {
    let suffix = "/libexec/cgipool/cgipool"
    guard binary.hasSuffix(suffix) else { return nil }
    return String(binary.dropLast(suffix.count)) + "/share/cgipool/templates"
  }
}
