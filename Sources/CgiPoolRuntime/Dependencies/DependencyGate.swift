import ProcessConfig

/// The check a dependent runs before it starts (`ExecCondition=cgipool gate ...`): is every
/// dependency healthy, started or completed, as its condition asks?
///
/// Pure: it judges unit states; `cgipool gate` reads them from the manager and polls.
public struct DependencyGate: Sendable {
  /// One dependency unit and what it must have reached.
  public struct Requirement: Sendable, Equatable {
    /// The dependency's unit.
    public var unit: String
    /// What it must have reached.
    public var condition: Dependency.Condition

    /// Creates a requirement.
    public init(unit: String, condition: Dependency.Condition) {
      self.unit = unit
      self.condition = condition
    }
  }

  /// What the gate concludes from one look at the states.
  public enum Verdict: Sendable, Equatable {
    /// Every dependency is ready: the dependent may start.
    case open
    /// At least one dependency is still on its way (starting, restarting, running to completion).
    case wait(String)
    /// A dependency cannot become ready without someone starting it again: hold the dependent back.
    case closed(String)
  }

  /// The requirements, in the order the gate reports them.
  public var requirements: [Requirement]

  /// Creates a gate.
  public init(requirements: [Requirement]) {
    self.requirements = requirements
  }

  /// The verdict for `states` (unit → state; a unit that is not loaded is absent).
  ///
  /// A `closed` requirement wins over a `wait`: once one dependency has failed for good,
  /// waiting for the others cannot open the gate.
  public func verdict(_ states: [String: UnitState]) -> Verdict {
    var waiting: String?
    for requirement in requirements {
      switch Self.verdict(requirement, states[requirement.unit]) {
      case .open: continue
      case .closed(let reason): return .closed(reason)
      case .wait(let reason): waiting = waiting ?? reason
      }
    }
    return waiting.map(Verdict.wait) ?? .open
  }

  /// The requirements that are not met in `states`, in order.
  public func unmet(_ states: [String: UnitState]) -> [Requirement] {
    requirements.filter { Self.verdict($0, states[$0.unit]) != .open }
  }

  /// The verdict for one dependency.
  static func verdict(_ requirement: Requirement, _ state: UnitState?) -> Verdict {
    let unit = requirement.unit
    guard let state, state.loadState == .loaded else {
      // A transient unit is unloaded once it ends successfully and nothing references it;
      // its start job ran before this one (After=), so for a completion that is success.
      if requirement.condition == .completedSuccessfully { return .open }
      return .wait("\(unit) is not loaded yet")
    }
    let description = "\(unit) is \(state.activeState)/\(state.subState)"
    let up = state.activeState == .active || state.activeState == .reloading
    switch requirement.condition {
    case .healthy where up:
      return .open
    case .started where up || (state.activeState == .activating && state.subState == .startPost):
      // Past ExecStart=: the main process runs; only its health probe may still be going.
      return .open
    case .completedSuccessfully where state.activeState == .inactive && state.result == .success:
      return .open
    case .completedSuccessfully where up:
      return .wait("\(unit) is still running")
    default:
      break
    }
    if state.activeState == .activating || state.activeState == .deactivating {
      // Starting, or between two automatic restarts (auto-restart): it may still come up.
      return .wait(description)
    }
    return .closed(description + (state.result == .success ? "" : " (\(state.result))"))
  }
}

extension DependencyGate.Verdict {
  /// Why the gate is not open; empty when it is.
  public var reason: String {
    switch self {
    case .open: ""
    case .wait(let reason), .closed(let reason): reason
    }
  }
}
