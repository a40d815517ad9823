import Foundation
import Testing

@testable import CgiPoolRuntime

/// Name look-ups bounded by the probe's timeout, joined while running and kept once answered.
struct HostResolverTests {
  /// Counts look-ups; each one waits until `release` is signalled (or answers at once).
  final class StandIn: @unchecked Sendable {
    let lock = NSLock()
    var calls = 0
    let release = DispatchSemaphore(value: 0)
    var blocks = true
    var fails = false

    func lookup(host: String, port: UInt16) -> HostResolver.Answer {
      lock.withLock { calls += 1 }
      if lock.withLock({ blocks }) { release.wait() }
      if lock.withLock({ fails }) { return .failure(ProbeAttempt.Failure(message: "cannot resolve \(host): stand-in")) }
      return HostResolver.numeric(host: "127.0.0.1", port: port).map { .success($0) }!
    }
  }

  @Test func aStalledLookupEndsTheAttemptAtItsTimeoutAndIsJoinedByTheNext() throws {
    let standIn = StandIn()
    let resolver = HostResolver(lookup: standIn.lookup)
    let began = Date()
    let first = resolver.resolve(host: "stalled.example", port: 80, timeout: 0.2)
    #expect(Date().timeIntervalSince(began) < 1.5, "the attempt waited past its timeout")
    guard case .failure(let failure) = first else { Issue.record("resolved while the look-up stalls"); return }
    #expect(failure.message == "cannot resolve stalled.example within 0.20s")
    // The next attempt waits on the same look-up instead of starting another.
    _ = resolver.resolve(host: "stalled.example", port: 80, timeout: 0.05)
    #expect(standIn.lock.withLock { standIn.calls } == 1)
    standIn.release.signal()
    let answered = resolver.resolve(host: "stalled.example", port: 80, timeout: 5)
    #expect((try? answered.get())?.first?.numericHost == "127.0.0.1")
    // Kept: a retry a few milliseconds later asks no resolver.
    #expect((try? resolver.resolve(host: "stalled.example", port: 80, timeout: 0).get())?.count == 1)
    #expect(standIn.lock.withLock { standIn.calls } == 1)
  }

  @Test func aFailedLookupIsAskedAgainNextTime() {
    let standIn = StandIn()
    standIn.blocks = false
    standIn.fails = true
    let resolver = HostResolver(lookup: standIn.lookup)
    for _ in 0..<3 {
      guard case .failure(let failure) = resolver.resolve(host: "gone.example", port: 80, timeout: 2) else {
        Issue.record("a failing look-up resolved")
        return
      }
      #expect(failure.message == "cannot resolve gone.example: stand-in")
    }
    #expect(standIn.calls == 3)
  }

  @Test func numericAddressesNeedNoLookup() {
    let standIn = StandIn()
    let resolver = HostResolver(lookup: standIn.lookup)
    #expect((try? resolver.resolve(host: "127.0.0.1", port: 80, timeout: 0).get())?.first?.numericHost == "127.0.0.1")
    #expect((try? resolver.resolve(host: "::1", port: 80, timeout: 0).get())?.first?.numericHost == "::1")
    #expect(standIn.calls == 0)
  }

  @Test func theSystemLookupResolvesLocalhost() throws {
    let resolver = HostResolver(lookup: HostResolver.systemLookup)
    let addresses = try resolver.resolve(host: "localhost", port: 8080, timeout: 5).get()
    #expect(!addresses.isEmpty)
    #expect(addresses.allSatisfy { ["127.0.0.1", "::1"].contains($0.numericHost ?? "") }, "\(addresses.map(\.numericHost))")
  }
}
