import Foundation
import Testing

@testable import ProcessConfig

/// Dependency cycles: each reported once, at a stable place, without recursion limits.
@Suite struct CycleTests {
  private func config(_ dependencies: [(String, [String])]) -> String {
    let processes = dependencies.map { name, dependsOn in
      "\"\(name)\": {\"command\": [\"x\"], \"depends_on\": [\(dependsOn.map { "\"\($0)\"" }.joined(separator: ", "))]}"
    }
    return "{\"processes\": {\(processes.joined(separator: ", "))}}"
  }

  private nonisolated func diagnostics(_ text: String) -> [String] {
    ConfigText.problems(text, file: "c.json", baseDirectory: "/")
  }

  @Test func everyElementaryCycleOnceFromItsSmallestMember() {
    // Two cycles share "a"; "x <-> y" is a separate component.
    let text = config([("b", ["a"]), ("a", ["c", "b"]), ("c", ["b", "a"]), ("y", ["x"]), ("x", ["y"])])
    #expect(
      diagnostics(text) == [
        "processes.a.depends_on[0]: dependency cycle: a -> c -> a",
        "processes.a.depends_on[0]: dependency cycle: a -> c -> b -> a",
        "processes.a.depends_on[1]: dependency cycle: a -> b -> a",
        "processes.x.depends_on[0]: dependency cycle: x -> y -> x",
      ])
  }

  /// Runs `body` on a thread with a 512 KiB stack, so recursion once per process would overflow.
  private func onSmallStack(_ body: @escaping @Sendable () -> Void) {
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
      body()
      done.signal()
    }
    thread.stackSize = 512 << 10
    thread.start()
    done.wait()
  }

  private static func name(_ index: Int) -> String {
    let digits = String(index)
    return "p" + String(repeating: "0", count: 4 - digits.count) + digits
  }

  @Test func longChainIsValidAndOrdered() {
    let count = 5_000
    let chain = (0..<count).map { index in (Self.name(index), index == 0 ? [] : [Self.name(index - 1)]) }
    let text = config(chain)
    onSmallStack {
      let config = try? ConfigLoader.parse(Array(text.utf8), file: "c.json", baseDirectory: "/")
      #expect(config?.topologicalOrder() == chain.map(\.0))
      #expect(config?.startLevels().count == count)
    }
  }

  @Test func longRingIsOneCycle() {
    let count = 5_000
    let ring = (0..<count).map { index in (Self.name(index), [Self.name((index + 1) % count)]) }
    let text = config(ring)
    onSmallStack {
      let found = diagnostics(text)
      #expect(found.count == 1)
      #expect(found.first?.hasPrefix("processes.p0000.depends_on[0]: dependency cycle: p0000 -> p0001 -> p0002") == true)
      #expect(found.first?.hasSuffix("p4999 -> p0000") == true)
    }
  }

  @Test func denseGraphStopsAtTheLimitAndSaysSo() {
    let names = (0..<40).map { String(format: "n%02d", $0) }
    let complete = names.map { name in (name, names.filter { $0 != name }) }
    let found = diagnostics(config(complete))
    #expect(found.count == ConfigValidator.maximumReportedCycles + 1)
    #expect(found.filter { $0.contains("dependency cycle: ") }.count == ConfigValidator.maximumReportedCycles)
    #expect(found.contains("processes: the search for dependency cycles stopped after 32 cycles; more may exist"))
  }
}
