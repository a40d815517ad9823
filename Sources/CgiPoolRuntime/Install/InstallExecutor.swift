/// Carries out install steps: file steps on the file system, the rest on the manager.
public struct InstallExecutor {
  /// The manager reload/enable/disable go to; `nil` makes them errors.
  public var manager: (any SystemdManaging)?

  /// Creates an executor.
  public init(manager: (any SystemdManaging)?) {
    self.manager = manager
  }

  /// Performs `steps` in order, calling `progress` after each; stops at the first failure.
  public func perform(_ steps: [InstallStep], progress: (InstallStep) -> Void = { _ in }) throws(InstallError) {
    for step in steps {
      switch step {
      case .reload, .enable, .disable:
        guard let manager else { throw InstallError("no manager to \(step)") }
        do {
          switch step {
          case .reload: try manager.reload()
          case .enable(let unit): try manager.enableUnitFiles([unit])
          case .disable(let unit): try manager.disableUnitFiles([unit])
          default: break
          }
        } catch {
          throw InstallError("\(step) failed: \(error)")
        }
      default:
        try InstallFiles.perform(step)
      }
      progress(step)
    }
  }
}
