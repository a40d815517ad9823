import FuzzSupport
import UnitCompiler

/// The property the escaper fuzzer checks: whatever bytes a command or an environment value
/// holds, what cgipool writes into a unit file reads back, through systemd's unquoting rules
/// (`SystemdUnquoter`), as exactly those bytes; over D-Bus only `$` changes.
enum EscapeFuzzCheck {
  /// Words of an input: NUL-separated (a process cannot receive NUL), decoded as UTF-8.
  static func words(_ bytes: [UInt8]) -> [String] {
    bytes.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
  }

  static func check(_ bytes: [UInt8]) {
    let argv = words(bytes)
    for (ignoreFailure, privileged) in [(false, false), (true, false), (false, true), (true, true)] {
      let command = ExecCommand(
        path: "/usr/bin/fuzz target", argv: argv, ignoreFailure: ignoreFailure, privileged: privileged)
      let line = UnitFileSyntax.command(command)
      do {
        let read = try SystemdUnquoter.command(line)
        precondition(read.path == command.path, "path \(read.path.debugDescription) from \(line.debugDescription)")
        precondition(read.argv == argv, "argv \(read.argv) != \(argv) from \(line.debugDescription)")
        precondition(read.ignoreFailure == ignoreFailure, "ignore-failure lost in \(line.debugDescription)")
        precondition(read.privileged == privileged, "privileged lost in \(line.debugDescription)")
      } catch {
        preconditionFailure("\(error) in \(line.debugDescription) for \(argv)")
      }
    }
    for value in argv {
      let text = UnitFileSyntax.render(.environment(name: "FUZZ", value: value))
      do {
        let read = try SystemdUnquoter.environment(text)
        precondition(read == "FUZZ=" + value, "environment \(read.debugDescription) from \(text.debugDescription)")
      } catch {
        preconditionFailure("\(error) in \(text.debugDescription)")
      }
    }
    // Over D-Bus nothing is unquoted: argv words carry `$$` for systemd's `$` expansion only.
    let unit = UnitDefinition(
      name: "fuzz.service", kind: .service,
      sections: [UnitSection("Service", [UnitSetting("ExecStart", .exec(ExecCommand(path: "/bin/x", argv: argv)))])])
    guard case .commands(let sent) = TransientUnitBuilder.build(unit).properties.first?.value, sent.count == 1 else {
      preconditionFailure("no ExecStart property")
    }
    do {
      let back = try sent[0].argv.map { word throws(SystemdUnquoter.Failure) in try SystemdUnquoter.dollars(Array(word.utf8)) }
      precondition(back == argv, "D-Bus argv \(back) != \(argv)")
    } catch {
      preconditionFailure("\(error) over D-Bus for \(argv)")
    }
  }
}

#if FUZZING
import CFuzzDriver
import Foundation

/// libFuzzer's entry point (`make fuzz` builds with `-sanitize=fuzzer,address -DFUZZING`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEscape(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  EscapeFuzzCheck.check(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
  return 0
}

/// Hands the command line to libFuzzer (SwiftPM gives every executable a Swift `main`).
@main struct FuzzEscapeMain {
  static func main() {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzEscape(data, size) })
  }
}
#else
import Foundation
import FuzzSupport

/// Without the fuzzer: replays the files or folders given (a corpus) through the same check,
/// so `make test` keeps every committed input passing.
@main struct FuzzEscapeReplay {
  static func main() throws {
    let count = try FuzzCorpus.replay(CommandLine.arguments.dropFirst(), EscapeFuzzCheck.check)
    print("fuzz-escape: \(count) inputs passed")
  }
}
#endif
