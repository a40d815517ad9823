import Foundation

extension Array where Element: Sendable {
  /// `map`, run on every core when the array is large enough to pay for the threads.
  ///
  /// Each result lands at its element's index, so the output equals `map`'s: the back ends
  /// render units independently, and generated output stays deterministic.
  func concurrentMap<T>(minimumPerWorker: Int = 256, _ transform: @Sendable (Element) -> T) -> [T] {
    let workers = Swift.min(ProcessInfo.processInfo.activeProcessorCount, count / minimumPerWorker)
    guard workers > 1 else { return map(transform) }
    var results = [T?](repeating: nil, count: count)
    results.withUnsafeMutableBufferPointer { buffer in
      // Each index is written by exactly one worker, and concurrentPerform returns after all of them.
      nonisolated(unsafe) let slots = buffer
      DispatchQueue.concurrentPerform(iterations: workers) { worker in
        for index in Swift.stride(from: worker, to: count, by: workers) {
          slots[index] = transform(self[index])
        }
      }
    }
    return results.map { $0! }
  }
}
