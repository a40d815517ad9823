/// `cgipool analyze critical-chain`'s text, in the manner of `systemd-analyze critical-chain`.
extension StartTimeline {
  /// The chain, last process first: when each became active (`@`), how long it waited for its
  /// dependencies, and how long its own start and probe took.
  public func criticalChainText() -> String {
    var lines = ["the pool was up after \(Self.format(total)); the chain that set it, last first:"]
    lines.append("(@ when active; waited: held back by dependencies; start: until the process ran; probe: until healthy)")
    for (depth, bar) in criticalChain.enumerated() {
      let indent = depth == 0 ? "" : String(repeating: "  ", count: depth - 1) + "└─"
      var line = "\(indent)\(bar.process) @\(Self.format(bar.active))"
      if bar.waiting > 0.0005 { line += " waited \(Self.format(bar.waiting))" }
      line += " start \(Self.format(bar.starting)) probe \(Self.format(bar.probing))"
      lines.append(line)
    }
    if !missing.isEmpty { lines.append("not in the timeline (not started or not running): \(missing.joined(separator: ", "))") }
    return lines.joined(separator: "\n")
  }

  /// Seconds with millisecond precision: `1.320s`.
  static func format(_ seconds: Double) -> String {
    let millis = Int((seconds * 1000).rounded())
    let fraction = String(millis % 1000)
    return "\(millis / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)s"
  }
}
