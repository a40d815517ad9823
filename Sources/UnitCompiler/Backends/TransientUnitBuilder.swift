import ProcessConfig

/// The transient back end: turns the unit model into `StartTransientUnit` properties.
///
/// The bus does no specifier expansion, so `%` travels as is; but systemd still
/// expands `$VAR` in argv when the process starts, so `$` is doubled in argv
/// words, exactly as in unit files.
public enum TransientUnitBuilder {
  /// The properties of `unit`, repeated keys (`ExecStartPost=`, `Environment=`) merged into one array.
  ///
  /// References to units in `omitting` are left out (see `build(_ pool:)`).
  public static func build(_ unit: UnitDefinition, omitting: Set<String> = []) -> TransientUnit {
    var properties: [TransientProperty] = []
    for (_, setting) in unit.allSettings {
      guard var name = setting.busProperty else { continue }
      var value = convert(setting.value)
      // Only the `Ex` form of a command property carries the `privileged` flag (`+` in a file).
      if case .commands(let commands) = value, commands.contains(where: \.privileged) {
        name += "Ex"
        value = .flaggedCommands(commands)
      }
      if case .strings(let list) = value, case .unitNames = setting.value {
        let kept = list.filter { !omitting.contains($0) }
        if kept.isEmpty { continue }
        value = .strings(kept)
      }
      if let index = properties.firstIndex(where: { $0.name == name }), let merged = merge(properties[index].value, value) {
        properties[index].value = merged
      } else {
        // Filters are not merged: each `(bas)` entry applies in turn, as repeated file lines do.
        properties.append(TransientProperty(name, value))
      }
    }
    return TransientUnit(name: unit.name, properties: properties)
  }

  /// Every unit of `pool` that can be transient, in the pool's order.
  ///
  /// systemd cannot create targets over the bus ("Unit type target does not
  /// support transient units"), so the pool's target exists only as a unit
  /// file; the transient units leave out the target and every reference to it.
  /// The slice still groups the processes and `cgipool stop` stops them all.
  public static func build(_ pool: CompiledPool) -> [TransientUnit] {
    let (units, targets) = transientCandidates(pool)
    // Units convert independently, so large pools use every core.
    return units.concurrentMap { build($0, omitting: targets) }
  }

  /// The stable text form of every transient unit of `pool`, in the pool's order (`--transient`).
  public static func dumpAll(_ pool: CompiledPool) -> String {
    let (units, targets) = transientCandidates(pool)
    // Converted and printed in one pass per unit: a separate conversion pass measured ~15 % slower.
    return units.concurrentMap { dump(build($0, omitting: targets)) }.joined(separator: "\n")
  }

  /// The units that can be transient, and the targets' names that they must leave out.
  private static func transientCandidates(_ pool: CompiledPool) -> (units: [UnitDefinition], targets: Set<String>) {
    (pool.units.filter { $0.kind != .target }, Set(pool.units.filter { $0.kind == .target }.map(\.name)))
  }

  /// A stable text form of a transient unit, for golden tests and `--transient` output.
  public static func dump(_ unit: TransientUnit) -> String {
    var lines = [unit.name]
    for property in unit.properties {
      lines.append("  \(property.name) \(property.value.signature) \(describe(property.value))")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  private static func convert(_ value: UnitValue) -> TransientValue {
    switch value {
    case .string(let text): return .string(text)
    // Output files travel as bare paths in the *FileToAppend properties.
    case .appendFile(let path): return .string(path)
    case .pids(let pids): return .uint32s(pids)
    case .unitNames(let names): return .strings(names)
    case .bool(let flag): return .bool(flag)
    case .microseconds(let usec): return .uint64(usec)
    case .count(let count): return .uint32(count)
    case .integer(let number): return .uint64(number)
    // 100 % of one core is one second of CPU time per second.
    case .cpuQuota(let percent): return .uint64(percent * 10_000)
    case .signal(let number): return .int32(number)
    case .exec(let command):
      return .commands([
        ExecCommand(
          path: command.path, argv: command.argv.map(escapeDollar), ignoreFailure: command.ignoreFailure,
          privileged: command.privileged)
      ])
    case .environment(let name, let value): return .strings([name + "=" + value])
    // The bus does no specifier expansion: paths travel as they are.
    case .environmentFile(let path, let optional): return .flaggedPaths([FlaggedPath(path, optional)])
    case .credential(let name, let path): return .stringPairs([StringPair(name, path)])
    case .words(let words): return .strings(words)
    case .filter(let allow, let list): return .filter(allow, list)
    case .capabilities(let set): return .uint64(set.reduce(0) { $0 | $1.bit })
    case .umask(let mask): return .uint32(mask)
    case .errno(let number): return .int32(number)
    case .noNamespaces: return .uint64(0)
    case .listenStream(let address): return .stringPairs([StringPair("Stream", address)])
    }
  }

  /// Two values of one property as one, or `nil` when they stay separate entries.
  private static func merge(_ existing: TransientValue, _ new: TransientValue) -> TransientValue? {
    switch (existing, new) {
    case (.strings(let a), .strings(let b)): return .strings(a + b)
    case (.commands(let a), .commands(let b)): return .commands(a + b)
    case (.flaggedCommands(let a), .flaggedCommands(let b)): return .flaggedCommands(a + b)
    case (.flaggedPaths(let a), .flaggedPaths(let b)): return .flaggedPaths(a + b)
    case (.stringPairs(let a), .stringPairs(let b)): return .stringPairs(a + b)
    case (.filter, .filter): return nil
    default: return new
    }
  }


  private static func escapeDollar(_ word: String) -> String { doublingDollars(word) }

  /// `word` with every `$` byte doubled, as systemd un-doubles `$$` in `ExecStart=` argv.
  ///
  /// Byte by byte: Foundation's `replacingOccurrences` compares composed characters, so a `$`
  /// followed by a combining mark (`$\u{33B}`, one Character) was left single, and the
  /// manager would have read it as a variable reference (found by the fuzz-escape target).
  public static func doublingDollars(_ word: String) -> String {
    guard word.utf8.contains(UInt8(ascii: "$")) else { return word }
    return String(decoding: word.utf8.flatMap { $0 == UInt8(ascii: "$") ? [$0, $0] : [$0] }, as: UTF8.self)
  }

  /// The inverse of `doublingDollars`: argv as the manager reports it back, `$$` made `$` again.
  public static func undoublingDollars(_ word: String) -> String {
    guard word.utf8.contains(UInt8(ascii: "$")) else { return word }
    var out: [UInt8] = []
    var previousWasDollar = false
    for byte in word.utf8 {
      if byte == UInt8(ascii: "$") && previousWasDollar {
        previousWasDollar = false
        continue
      }
      previousWasDollar = byte == UInt8(ascii: "$")
      out.append(byte)
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// `String(reflecting:)`, with a fast path for the common plain-ASCII string.
  private static func quoted(_ text: String) -> String {
    let plain = text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7f && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") && $0 != UInt8(ascii: "'") }
    return plain ? "\"" + text + "\"" : String(reflecting: text)
  }

  private static func describe(_ value: TransientValue) -> String {
    switch value {
    case .string(let text): return quoted(text)
    case .bool(let flag): return flag ? "true" : "false"
    case .uint32(let n): return String(n)
    case .int32(let n): return String(n)
    case .uint64(let n): return String(n)
    case .uint32s(let list): return "[" + list.map(String.init).joined(separator: ", ") + "]"
    case .strings(let list): return "[" + list.map { quoted($0) }.joined(separator: ", ") + "]"
    case .commands(let commands):
      let items = commands.map { command in
        "(" + quoted(command.path) + ", ["
          + command.argv.map { quoted($0) }.joined(separator: ", ") + "], "
          + (command.ignoreFailure ? "true" : "false") + ")"
      }
      return "[" + items.joined(separator: ", ") + "]"
    case .flaggedCommands(let commands):
      let items = commands.map { command in
        "(" + quoted(command.path) + ", ["
          + command.argv.map { quoted($0) }.joined(separator: ", ") + "], ["
          + command.busFlags.map { quoted($0) }.joined(separator: ", ") + "])"
      }
      return "[" + items.joined(separator: ", ") + "]"
    case .flaggedPaths(let list):
      return "[" + list.map { "(" + quoted($0.path) + ", " + ($0.flag ? "true" : "false") + ")" }.joined(separator: ", ") + "]"
    case .stringPairs(let list):
      return "[" + list.map { "(" + quoted($0.first) + ", " + quoted($0.second) + ")" }.joined(separator: ", ") + "]"
    case .filter(let allow, let list):
      return "(" + (allow ? "true" : "false") + ", [" + list.map { quoted($0) }.joined(separator: ", ") + "])"
    }
  }
}
