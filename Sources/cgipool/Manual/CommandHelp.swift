/// The command definitions as swift-argument-parser describes them (`--experimental-dump-help`,
/// its ToolInfo format version 0): the man page is rendered from these, so it says what the
/// commands accept and nothing else.
struct CommandHelp: Decodable, Equatable {
  /// The whole dump.
  struct Document: Decodable, Equatable {
    /// The root command.
    var command: CommandHelp
  }

  /// One argument, option or flag.
  struct Argument: Decodable, Equatable {
    /// One spelling of an option's name.
    struct Name: Decodable, Equatable {
      /// `long`, `short` or `longWithSingleDash`.
      var kind: String
      /// The name without dashes.
      var name: String

      /// The name as typed: `--config`, `-n`.
      var spelled: String { kind == "short" ? "-\(name)" : kind == "long" ? "--\(name)" : "-\(name)" }
    }

    /// `positional`, `option` or `flag`.
    var kind: String
    /// Whether help shows it.
    var shouldDisplay: Bool?
    /// Whether it may be left out.
    var isOptional: Bool?
    /// Whether it may be given several times.
    var isRepeating: Bool?
    /// Its names (options and flags).
    var names: [Name]?
    /// The placeholder of its value.
    var valueName: String?
    /// Its default, as help prints it.
    var defaultValue: String?
    /// The values it accepts, when they are a fixed set.
    var allValues: [String]?
    /// One line of help.
    var abstract: String?
    /// More help.
    var discussion: String?
  }

  /// The command's name.
  var commandName: String
  /// Whether help lists it.
  var shouldDisplay: Bool?
  /// One line of help.
  var abstract: String?
  /// More help.
  var discussion: String?
  /// Its subcommands.
  var subcommands: [CommandHelp]?
  /// Its arguments, options and flags.
  var arguments: [Argument]?
}
