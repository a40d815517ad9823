import ArgumentParser
import CgiPoolRuntime
import Foundation

/// `cgipool plan`: what `apply` would change, without changing anything.
struct Plan: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plan",
    abstract: "Show what apply would change: processes to add, remove, change (settings old -> new), restart.",
    discussion: """
      Compares the config with the units the manager has loaded (transient or installed) and \
      with the env files' modification times. Exit status 0: nothing to change; 2: changes \
      (as terraform plan -detailed-exitcode); 1: an error. With --host, the other machine's \
      manager and env files.
      """)

  @OptionGroup var configOptions: ConfigOptions
  @OptionGroup var managerOptions: ManagerOptions

  @Flag(name: .long, help: "Print the plan as JSON.")
  var json = false

  func run() throws {
    if let across = try AcrossHosts.plan(config: configOptions, manager: managerOptions, processes: []) {
      let results = across.plans(startPrivate: false, resolved: try across.resolveAll())
      let pool = across.plan.pool.name
      print(json ? AcrossHosts.planJSON(results, pool: pool) : AcrossHosts.planText(results, pool: pool))
      if results.contains(where: { $0.plan == nil }) { throw ExitCode.failure }
      if results.contains(where: { $0.plan!.hasChanges }) { throw ExitCode(2) }
      return
    }
    guard let session = try RuntimeSession.open(
      config: configOptions, manager: managerOptions, startPrivate: false, processes: []) else {
      // No manager runs the pool: apply would start every process.
      let pool = try configOptions.load()
      let plan = PoolPlan.startingEverything(pool)
      print(json ? PlanOutput.json(plan, pool: pool.name) : PlanOutput.text(plan, pool: pool.name, manager: "no manager (none running)"))
      throw ExitCode(2)
    }
    let plan: PoolPlan
    do {
      plan = try session.runtime.plan(modificationTimes: managerOptions.modificationTimes)
    } catch {
      printError("error: \(error)")
      throw ExitCode.failure
    }
    let pool = session.runtime.pool.name
    print(json ? PlanOutput.json(plan, pool: pool) : PlanOutput.text(plan, pool: pool, manager: session.runtime.manager.managerDescription))
    if plan.hasChanges { throw ExitCode(2) }
  }
}
