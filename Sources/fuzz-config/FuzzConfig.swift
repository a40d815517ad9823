import ProcessConfig

/// The property the config fuzzer checks for every input: parsing and validation never crash
/// (the sanitizers and libFuzzer watch for that, and for hangs), and every rejection names the
/// file and carries a non-empty path and message.
enum ConfigFuzzCheck {
  static func check(_ bytes: [UInt8]) {
    do {
      _ = try ConfigLoader.parse(bytes, file: "fuzz.json", baseDirectory: "/fuzz")
    } catch {
      precondition(!error.diagnostics.isEmpty, "a rejection without a diagnostic")
      for diagnostic in error.diagnostics {
        precondition(diagnostic.file == "fuzz.json", "a diagnostic without the file: \(diagnostic)")
        precondition(!diagnostic.path.description.isEmpty, "a diagnostic without a path: \(diagnostic)")
        precondition(!diagnostic.message.isEmpty, "a diagnostic without a message: \(diagnostic)")
      }
    }
  }
}

#if FUZZING
import CFuzzDriver
import Foundation

/// libFuzzer's entry point (`make fuzz` builds with `-sanitize=fuzzer,address -DFUZZING`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  ConfigFuzzCheck.check(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
  return 0
}

/// Hands the command line to libFuzzer (SwiftPM gives every executable a Swift `main`).
@main struct FuzzConfigMain {
  static func main() {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzConfig(data, size) })
  }
}
#else
import Foundation
import FuzzSupport

/// Without the fuzzer: replays the files or folders given (a corpus) through the same check,
/// so `make test` keeps every committed input passing.
@main struct FuzzConfigReplay {
  static func main() throws {
    let count = try FuzzCorpus.replay(CommandLine.arguments.dropFirst(), ConfigFuzzCheck.check)
    print("fuzz-config: \(count) inputs passed")
  }
}
#endif
