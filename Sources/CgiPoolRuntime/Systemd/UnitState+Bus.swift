import SystemdBus

extension UnitState {
  /// The states a `ListUnits*` entry carries, typed; runtime properties stay at their defaults.
  init(listed unit: UnitStatus) {
    self.init(
      name: unit.name, loadState: LoadState(rawValue: unit.loadState), activeState: ActiveState(rawValue: unit.activeState),
      subState: SubState(rawValue: unit.subState), description: unit.description)
  }
}
