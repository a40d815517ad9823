import Foundation

/// Replays corpus files (or every file in corpus folders) through a check.
public enum FuzzCorpus {
  public static func replay(_ paths: some Sequence<String>, _ check: ([UInt8]) -> Void) throws -> Int {
    var count = 0
    for path in paths {
      var isFolder: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: path])
      }
      let files = isFolder.boolValue
        ? try FileManager.default.contentsOfDirectory(atPath: path).sorted().map { path + "/" + $0 } : [path]
      for file in files {
        check(Array(try Data(contentsOf: URL(fileURLWithPath: file))))
        count += 1
      }
    }
    return count
  }
}
