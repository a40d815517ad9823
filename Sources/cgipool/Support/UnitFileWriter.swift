import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes unit files, replacing the pool's previous set so no stale unit survives.
enum UnitFileWriter {
  /// Writes `files` into `folder`; removes this pool's unit files that are no longer generated.
  static func write(_ files: [(name: String, text: String)], to folder: String, pool: String) throws {
    let manager = FileManager.default
    do {
      try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
      let wanted = Set(files.map(\.name))
      for existing in try manager.contentsOfDirectory(atPath: folder).sorted()
      where (existing.hasPrefix(pool + "-") || existing.hasPrefix(pool + ".")) && !wanted.contains(existing) {
        try manager.removeItem(atPath: folder + "/" + existing)
      }
      for file in files {
        // Write beside the target and rename, so a reader never sees half a unit.
        let temporary = folder + "/." + file.name + ".tmp"
        try Data(file.text.utf8).write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, folder + "/" + file.name) == 0 else {
          throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: folder + "/" + file.name])
        }
      }
    } catch {
      printError("error: cannot write units to \(folder): \(error.localizedDescription)")
      throw ExitCode.failure
    }
  }
}
