import CgiPoolRuntime
import Foundation

/// `plan`'s text and JSON.
enum PlanOutput {
  /// One line per process (`+ add`, `- remove`, `~ change` with its settings old → new,
  /// `= unchanged`), then what apply restarts (and which instances it rolls) and a summary.
  static func text(_ plan: PoolPlan, pool: String, manager: String) -> String {
    var lines = ["pool \(pool) on \(manager)"]
    for entry in plan.entries {
      switch entry.action {
      case .add: lines.append("+ add        \(entry.process) (\(entry.unit))")
      case .remove: lines.append("- remove     \(entry.process) (\(entry.unit))")
      case .change:
        lines.append("~ change     \(entry.process) (\(entry.unit))")
        for setting in entry.settings {
          lines.append("    \(setting.key): \(describe(setting.old)) → \(describe(setting.new))")
        }
        for file in entry.editedEnvFiles {
          lines.append("    EnvironmentFile: \(file) changed since the process started")
        }
      case .unchanged:
        let follows = entry.follows.isEmpty ? "" : " (restarts: depends on \(entry.follows.joined(separator: ", ")))"
        lines.append("= unchanged  \(entry.process)\(follows)")
      }
    }
    for helper in plan.helpers {
      let mark = helper.action == .add ? "+ add       " : helper.action == .remove ? "- remove    " : "~ change    "
      lines.append("\(mark) helper \(helper.unit): \(helper.reason)")
    }
    let count = { (action: PoolPlan.Action) in plan.entries.filter { $0.action == action }.count }
    var summary = "plan: \(count(.add)) to add, \(count(.change)) to change, \(count(.remove)) to remove, \(count(.unchanged)) unchanged"
    let restarts = plan.restarts
    if !restarts.isEmpty { summary += "; apply restarts \(restarts.joined(separator: ", "))" }
    if !plan.rolling.isEmpty { summary += " (\(plan.rolling.joined(separator: ", ")) one at a time, each healthy before the next)" }
    if !plan.helpers.isEmpty { summary += "; \(plan.helpers.count) helper unit\(plan.helpers.count == 1 ? "" : "s") to update" }
    if !plan.hasChanges { summary += "; nothing to apply" }
    lines.append(summary)
    return lines.joined(separator: "\n")
  }

  /// The plan as data: stable keys and order.
  static func json(_ plan: PoolPlan, pool: String) -> String {
    let data = (try? JSONSerialization.data(withJSONObject: document(plan, pool: pool), options: [.sortedKeys, .prettyPrinted])) ?? Data()
    return String(decoding: data, as: UTF8.self)
  }

  /// The plan as a JSON object (`json` prints it; across hosts, one per host).
  static func document(_ plan: PoolPlan, pool: String) -> [String: Any] {
    let processes: [[String: Any]] = plan.entries.map { entry in
      [
        "process": entry.process, "unit": entry.unit, "action": entry.action.rawValue,
        "settings": entry.settings.map { ["key": $0.key, "old": $0.old, "new": $0.new] as [String: Any] },
        "editedEnvFiles": entry.editedEnvFiles, "follows": entry.follows,
      ]
    }
    let helpers: [[String: Any]] = plan.helpers.map { ["unit": $0.unit, "action": $0.action.rawValue, "reason": $0.reason] }
    return [
      "pool": pool, "changes": plan.hasChanges, "restarts": plan.restarts, "rolling": plan.rolling, "processes": processes,
      "helpers": helpers,
    ]
  }

  private static func describe(_ values: [String]) -> String {
    values.isEmpty ? "(none)" : values.map { String(reflecting: $0) }.joined(separator: ", ")
  }
}
