/// Maps where a process sits: its description, slice, target membership and dependencies.
enum DependencyMapper {
  static func map(_ context: MappingContext) -> MappedSettings {
    var mapped = MappedSettings()
    let names = context.names
    mapped.unit.append(
      UnitSetting("Description", .string("cgipool \(context.pool.name): \(context.process.name)")))
    // PartOf= makes stopping or restarting the pool's target reach every process.
    mapped.unit.append(UnitSetting("PartOf", .unitNames([names.target])))
    let dependencies = context.process.dependsOn.sorted().map(names.service)
    if !dependencies.isEmpty {
      // Requires= stops a dependent whose dependency fails; After= holds its start
      // until the dependency's start job, health probe included, has finished.
      mapped.unit.append(UnitSetting("Requires", .unitNames(dependencies)))
      mapped.unit.append(UnitSetting("After", .unitNames(dependencies)))
    }
    mapped.service.append(UnitSetting("Slice", .string(names.slice)))
    return mapped
  }
}
