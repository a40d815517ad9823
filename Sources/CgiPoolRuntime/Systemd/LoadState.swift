/// A unit's `LoadState`: whether the manager has its definition.
public struct LoadState: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
  /// The string systemd sent.
  public var rawValue: String

  /// Wraps systemd's string.
  public init(rawValue: String) { self.rawValue = rawValue }

  /// The definition was read.
  public static let loaded = LoadState(rawValue: "loaded")
  /// No unit file or transient unit defines it: a stub others merely reference.
  public static let notFound = LoadState(rawValue: "not-found")
  /// A setting could not be parsed.
  public static let badSetting = LoadState(rawValue: "bad-setting")
  /// Loading failed.
  public static let error = LoadState(rawValue: "error")
  /// The unit is masked.
  public static let masked = LoadState(rawValue: "masked")

  /// The raw string, as status lines print it.
  public var description: String { rawValue }
}
