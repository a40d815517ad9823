import Foundation
import UnitCompiler

#if canImport(Glibc)
  import Glibc
#endif

/// Facts about the running `cgipool` binary.
enum Executable {
  /// `name` as the shell finds it: itself when it has a `/`, else the first executable file of
  /// that name in a `$PATH` folder; nil when there is none.
  static func onPath(_ name: String) -> String? {
    if name.contains("/") { return access(name, X_OK) == 0 ? name : nil }
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").map { $0 + "/" + name }.first { access($0, X_OK) == 0 }
  }

  /// The absolute path of this binary (`/proc/self/exe`), used in generated probe commands.
  static var path: String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
      ?? CommandLine.arguments[0]
  }

  /// The default templates folder: `templates/` beside the checkout the binary was built in,
  /// else `templates/` in the current directory.
  static func defaultTemplatesDirectory() -> String? {
    if let fromEnvironment = ProcessInfo.processInfo.environment["CGIPOOL_TEMPLATES"] { return fromEnvironment }
    // An installed binary (<prefix>/libexec/cgipool/cgipool) has its templates in <prefix>/share.
    if let installed = InstallLayout.templates(besideBinary: path),
      FileManager.default.fileExists(atPath: installed + "/unit.mustache")
    {
      return installed
    }
    var folder = (path as NSString).deletingLastPathComponent
    // The binary lives in <checkout>/.build/<config>/cgipool; walk up to the checkout.
    while folder != "/" && !folder.isEmpty {
      let candidate = folder + "/templates"
      if FileManager.default.fileExists(atPath: candidate + "/unit.mustache") { return candidate }
      folder = (folder as NSString).deletingLastPathComponent
    }
    let local = FileManager.default.currentDirectoryPath + "/templates"
    return FileManager.default.fileExists(atPath: local + "/unit.mustache") ? local : nil
  }
}
