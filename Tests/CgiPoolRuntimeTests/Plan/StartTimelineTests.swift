import CgiPoolRuntime
import Foundation
import ProcessConfig
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// `analyze`'s timeline and critical chain from known timestamps, and its SVG.
@Suite struct StartTimelineTests {
  /// a and b start at once; c needs both; d needs a.
  static let pool = PoolConfig(
    name: "i15an",
    processes: [
      "a": ProcessSpec(name: "a", command: ["x"]), "b": ProcessSpec(name: "b", command: ["x"]),
      "c": ProcessSpec(name: "c", command: ["x"], dependsOn: ["a", "b"]), "d": ProcessSpec(name: "d", command: ["x"], dependsOn: ["a"]),
      "e": ProcessSpec(name: "e", command: ["x"]),
    ], file: "p.json", baseDirectory: "/")

  /// Seconds to µs on a monotonic clock that began long ago.
  static func t(_ seconds: Double) -> UInt64 { 5_000_000_000 + UInt64(seconds * 1_000_000) }

  static let timeline = StartTimeline(
    pool: pool,
    timestamps: [
      "a": (t(0), t(0.01), t(0.31)), "b": (t(0.002), t(0.012), t(0.612)), "c": (t(0.612), t(0.62), t(0.82)),
      "d": (t(0.31), t(0.32), t(0.42)),
    ])

  @Test func barsComeInStartOrderWithTheirPhases() {
    let bars = Self.timeline.bars
    #expect(bars.map(\.process) == ["a", "b", "d", "c"])
    let c = bars.last!
    #expect(abs(c.waiting - 0.612) < 1e-9 && abs(c.starting - 0.008) < 1e-9 && abs(c.probing - 0.2) < 1e-9)
    #expect(abs(bars[1].probing - 0.6) < 1e-9)
    #expect(abs(Self.timeline.total - 0.82) < 1e-9)
    #expect(Self.timeline.missing == ["e"])
  }

  @Test func theCriticalChainFollowsTheDependencyThatHeldLongest() {
    #expect(Self.timeline.criticalChain.map(\.process) == ["c", "b"])
    #expect(
      Self.timeline.criticalChainText() == """
        the pool was up after 0.820s; the chain that set it, last first:
        (@ when active; waited: held back by dependencies; start: until the process ran; probe: until healthy)
        c @0.820s waited 0.612s start 0.008s probe 0.200s
        └─b @0.612s waited 0.002s start 0.010s probe 0.600s
        not in the timeline (not started or not running): e
        """)
  }

  @Test func theSVGIsWellFormedWithABarPerProcessAndAnEdgePerDependency() throws {
    let svg = Self.timeline.svg()
    final class Collector: NSObject, XMLParserDelegate {
      var rects: [(process: String?, phase: String, x: Double, width: Double)] = []
      var edges: [(String, String)] = []
      var group: String?
      func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        if name == "g" { group = attributes["data-process"] }
        if name == "rect", let phase = attributes["class"], phase != "background" {
          rects.append((group, phase, Double(attributes["x"] ?? "") ?? -1, Double(attributes["width"] ?? "") ?? -1))
        }
        if name == "line", attributes["class"] == "edge" { edges.append((attributes["data-from"] ?? "", attributes["data-to"] ?? "")) }
      }
    }
    let parser = XMLParser(data: Data(svg.utf8))
    let collector = Collector()
    parser.delegate = collector
    #expect(parser.parse(), "well-formed: \(parser.parserError.map { "\($0)" } ?? "")")
    #expect(collector.rects.map(\.process) == ["a", "a", "a", "b", "b", "b", "d", "d", "d", "c", "c", "c"])
    // Lengths scale with the phases: c waits 0.612 of the 0.82 s span on an 800-pixel scale.
    let cWaiting = try #require(collector.rects.first { $0.process == "c" && $0.phase == "waiting" })
    #expect(abs(cWaiting.width - 0.612 / 0.82 * 800) < 0.01)
    let bProbing = try #require(collector.rects.first { $0.process == "b" && $0.phase == "probing" })
    #expect(abs(bProbing.width - 0.6 / 0.82 * 800) < 0.01)
    #expect(collector.edges.sorted { $0 < $1 }.map { "\($0.0)->\($0.1)" } == ["a->c", "a->d", "b->c"])
    // Names with markup stay text.
    #expect(StartTimeline.escape("<a&\"b'>") == "&lt;a&amp;&quot;b&apos;&gt;")
  }
}
