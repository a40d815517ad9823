import CgiPoolTestSupport
import Foundation
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// `analyze` against a real private manager, on a small DAG whose delays are known: the probes
/// wait `startup_delay` before they pass.
@Suite(.enabled(if: PrivateManagerFixture.enabled), .serialized) struct AnalyzeCommandTests {
  static let json = """
    {"name": "i15-analyze", "processes": {
      "fast": {"command": ["sleep", "300"], "startup_delay": 0.3, "health_check": {"type": "command", "target": "true", "timeout": 5}},
      "slow": {"command": ["sleep", "301"], "startup_delay": 1.2, "health_check": {"type": "command", "target": "true", "timeout": 5}},
      "last": {"command": ["sleep", "302"], "depends_on": ["fast", "slow"], "startup_delay": 0.4,
               "health_check": {"type": "command", "target": "true", "timeout": 5}}
    }}
    """

  @Test func theChainAndTheBarsFollowTheDelays() throws {
    let scratch = try PoolCommandTests.Scratch(Self.json)
    defer { scratch.tearDown() }
    let start = try scratch.run(["start"])
    #expect(start.status == 0, "\(start)")
    let analyze = try scratch.run(["analyze"])
    #expect(analyze.status == 0, "\(analyze)")
    let chain = analyze.stdout.split(separator: "\n").dropFirst(2).map(String.init)
    // last waited for slow (the longer probe), not for fast.
    #expect(chain.count == 2 && chain[0].hasPrefix("last @") && chain[1].hasPrefix("└─slow @"), "\(analyze)")
    let seconds = { (line: String, word: String) -> Double in
      let parts = line.split(separator: " ").map(String.init)
      guard let at = parts.firstIndex(of: word), at + 1 < parts.count else { return -1 }
      return Double(parts[at + 1].dropLast()) ?? -1
    }
    #expect(seconds(chain[0], "waited") >= 1.2 && seconds(chain[0], "waited") < 4, "\(chain)")
    #expect(seconds(chain[0], "probe") >= 0.4 && seconds(chain[0], "probe") < 2, "\(chain)")
    #expect(seconds(chain[1], "probe") >= 1.2 && seconds(chain[1], "probe") < 4, "\(chain)")

    let file = scratch.folder + "/start.svg"
    let svg = try scratch.run(["analyze", "--svg", file])
    #expect(svg.status == 0, "\(svg)")
    let data = try Data(contentsOf: URL(fileURLWithPath: file))
    final class Bars: NSObject, XMLParserDelegate {
      var group: String?
      var widths: [String: [String: Double]] = [:]
      var order: [String] = []
      func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        if name == "g", let process = attributes["data-process"] { group = process; order.append(process) }
        if name == "rect", let group, let phase = attributes["class"] { widths[group, default: [:]][phase] = Double(attributes["width"] ?? "") }
      }
    }
    let parser = XMLParser(data: data)
    let bars = Bars()
    parser.delegate = bars
    #expect(parser.parse(), "the SVG is well-formed")
    #expect(bars.order.last == "last" && Set(bars.order) == ["fast", "slow", "last"], "\(bars.order)")
    // The bars in seconds: the timeline spans 800 units for the pool's start time (the text's
    // "up after"). slow probes 1.2 s against fast's 0.3 s; each probe also pays for starting its
    // checker (a third of a second seen on the shared machine), so the bars are compared by
    // their lower bounds and their difference, not by a ratio.
    let total = Double(analyze.stdout.split(separator: " ").drop { $0 != "after" }.dropFirst().first?.prefix { $0 != "s" } ?? "") ?? 0
    #expect(total > 1.2, "\(analyze)")
    let inSeconds = { (px: Double) in px / 800 * total }
    let slow = inSeconds(bars.widths["slow"]?["probing"] ?? 0)
    let fast = inSeconds(bars.widths["fast"]?["probing"] ?? 0)
    #expect(fast >= 0.3 - 0.01 && slow >= 1.2 - 0.01, "\(bars.widths) over \(total)s")
    #expect(slow - fast >= 0.5, "\(bars.widths) over \(total)s")
    #expect((bars.widths["last"]?["waiting"] ?? 0) >= (bars.widths["slow"]?["probing"] ?? 0), "\(bars.widths)")
  }
}
