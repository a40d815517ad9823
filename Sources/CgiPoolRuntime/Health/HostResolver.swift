import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Resolves probe targets' host names within a deadline, once per probe process.
///
/// `getaddrinfo` cannot be given a timeout, and a lost DNS answer makes it wait for the
/// resolver's own timeout (5 s by default): a probe with `--timeout 0.5` would overrun by
/// ten times. The look-up therefore runs on its own thread, and the attempt waits for it only
/// as long as its timeout allows. A look-up still running is joined by the next attempt
/// instead of starting another, and an answer is kept, so retrying every few milliseconds
/// does not send a DNS query each time. Numeric addresses are parsed without a thread.
final class HostResolver: @unchecked Sendable {
  /// One address to connect to.
  struct Address: Sendable {
    var family: Int32
    var socketType: Int32
    var socketProtocol: Int32
    var storage: sockaddr_storage
    var length: socklen_t

    /// The address as text (`127.0.0.1`, `::1`), as `getnameinfo` writes it.
    var numericHost: String? {
      var storage = storage
      var text = [CChar](repeating: 0, count: Int(NI_MAXHOST))
      let status = withUnsafePointer(to: &storage) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          getnameinfo($0, length, &text, socklen_t(text.count), nil, 0, NI_NUMERICHOST)
        }
      }
      return status == 0 ? String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : nil
    }
  }

  /// What a look-up answers: the addresses, or why there are none.
  typealias Answer = Result<[Address], ProbeAttempt.Failure>

  /// The resolver probes use.
  static let shared = HostResolver(lookup: HostResolver.systemLookup)

  private final class Lookup: @unchecked Sendable {
    let condition = NSCondition()
    var answer: Answer?
  }

  private let lookup: @Sendable (String, UInt16) -> Answer
  private let lock = NSLock()
  private var answers: [String: [Address]] = [:]
  private var pending: [String: Lookup] = [:]

  /// A resolver that asks `lookup` (the system's `getaddrinfo`, or a stand-in in tests).
  init(lookup: @escaping @Sendable (String, UInt16) -> Answer) {
    self.lookup = lookup
  }

  /// The addresses of `host:port`, or a failure once `timeout` seconds have passed.
  func resolve(host: String, port: UInt16, timeout: Double) -> Answer {
    if let numeric = Self.numeric(host: host, port: port) { return .success(numeric) }
    let key = "\(host) \(port)"
    let (lookup, start): (Lookup, Bool) = lock.withLock {
      if let known = pending[key] { return (known, false) }
      let fresh = Lookup()
      if let cached = answers[key] {
        fresh.answer = .success(cached)
        return (fresh, false)
      }
      pending[key] = fresh
      return (fresh, true)
    }
    if start {
      let resolveNow = self.lookup
      Thread.detachNewThread { [self] in
        let answer = resolveNow(host, port)
        lock.withLock {
          pending[key] = nil
          if case .success(let addresses) = answer { answers[key] = addresses }
        }
        lookup.condition.lock()
        lookup.answer = answer
        lookup.condition.broadcast()
        lookup.condition.unlock()
      }
    }
    let deadline = Date(timeIntervalSinceNow: max(0, timeout))
    lookup.condition.lock()
    defer { lookup.condition.unlock() }
    while lookup.answer == nil {
      guard lookup.condition.wait(until: deadline) else {
        return .failure(ProbeAttempt.Failure(message: "cannot resolve \(host) within \(HealthProbe.seconds(timeout))"))
      }
    }
    return lookup.answer!
  }

  /// The addresses of `host:port` when known without waiting: numeric, or answered before.
  func known(host: String, port: UInt16) -> [Address]? {
    if let numeric = Self.numeric(host: host, port: port) { return numeric }
    return lock.withLock { answers["\(host) \(port)"] }
  }

  /// `host` as a numeric IPv4 or IPv6 address, without asking any resolver.
  static func numeric(host: String, port: UInt16) -> [Address]? {
    var hints = addrinfo()
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    hints.ai_flags = AI_NUMERICSERV | AI_NUMERICHOST
    return try? addresses(host: host, port: port, hints: hints).get()
  }

  /// The system's look-up: `getaddrinfo` for a stream socket.
  @Sendable static func systemLookup(host: String, port: UInt16) -> Answer {
    var hints = addrinfo()
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    hints.ai_flags = AI_NUMERICSERV
    return addresses(host: host, port: port, hints: hints)
  }

  private static func addresses(host: String, port: UInt16, hints: addrinfo) -> Answer {
    var hints = hints
    var list: UnsafeMutablePointer<addrinfo>?
    let status = getaddrinfo(host, String(port), &hints, &list)
    guard status == 0, list != nil else {
      return .failure(ProbeAttempt.Failure(message: "cannot resolve \(host): \(String(cString: gai_strerror(status)))"))
    }
    defer { freeaddrinfo(list) }
    var result: [Address] = []
    var entry = list
    while let info = entry {
      entry = info.pointee.ai_next
      var storage = sockaddr_storage()
      let length = min(Int(info.pointee.ai_addrlen), MemoryLayout<sockaddr_storage>.size)
      withUnsafeMutableBytes(of: &storage) { target in
        target.copyMemory(from: UnsafeRawBufferPointer(start: info.pointee.ai_addr, count: length))
      }
      result.append(
        Address(
          family: info.pointee.ai_family, socketType: info.pointee.ai_socktype,
          socketProtocol: info.pointee.ai_protocol, storage: storage, length: socklen_t(length)))
    }
    return .success(result)
  }
}
