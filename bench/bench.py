#!/usr/bin/env python3
"""Run every benchmark scenario in one go and write bench/results.json and BENCHMARKS.md.

Started by bench/run.sh, which builds the release binary, starts the private manager in a fresh
runtime folder and cleans up afterwards. Options: --runs N (default 5), --only a,b (scenario keys:
compile, generator, reaper, status, pool40, probe, liveness, serving), --quick (small sizes, for trying the harness itself).
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402
import scenarios_liveness  # noqa: E402
import scenarios_offline  # noqa: E402
import scenarios_pool  # noqa: E402
import scenarios_serving  # noqa: E402
from benchlib import BIN, HERE, ROOT, WORK, has_subcommand, log, write_json  # noqa: E402


def sh(cmd):
  try:
    return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=30).stdout.strip()
  except Exception:  # noqa: BLE001 (machine facts are best effort)
    return ""


def machine():
  cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
  mem_kib = int(sh("awk '/MemTotal/ {print $2}' /proc/meminfo") or 0)
  return {
    "nproc": int(sh("nproc") or 0),
    "cpu": cpu,
    "memory_gib": round(mem_kib / 1024 / 1024, 1),
    "kernel": platform.release(),
    "os": sh(". /etc/os-release && echo $PRETTY_NAME"),
    "systemd": sh("systemd --version | head -1") or sh("/lib/systemd/systemd --version | head -1"),
    "pid1": sh("cat /proc/1/comm"),
    "python": platform.python_version(),
    "swift": sh("swift --version 2>&1 | head -1"),
    "cgipool_commit": sh(f"git -C {ROOT} rev-parse --short HEAD"),
    "cgipool_dirty": bool(sh(f"git -C {ROOT} status --porcelain -- Sources Package.swift")),
    "cgipool_binary": os.path.relpath(BIN, ROOT),
    "supervisor": sh(f"{HERE}/.venv/bin/python -c 'import supervisor.options as o; print(o.VERSION)' 2>/dev/null"),
    "date": time.strftime("%Y-%m-%d %H:%M %Z"),
    "loadavg_before": [round(x, 2) for x in os.getloadavg()],
  }


def keep_liveness_sizes(results, previous):
  """A liveness run limited by $BENCH_LIVENESS_SIZES keeps the other sizes' figures from the merged file."""
  new = results["scenarios"].get("liveness", {})
  old = previous.get("scenarios", {}).get("liveness", {})
  if not scenarios_liveness.ONLY_SIZES or "sizes" not in new or "sizes" not in old:
    return
  for key, entry in old["sizes"].items():
    if key not in new["sizes"]:
      new["sizes"][key] = entry
  new["sizes_rerun"] = sorted(scenarios_liveness.ONLY_SIZES)
  scenarios_liveness.score_goals(new)


def main():
  parser = argparse.ArgumentParser()
  parser.add_argument("--runs", type=int, default=5)
  parser.add_argument("--only", default="compile,generator,reaper,status,pool40,probe,liveness,serving")
  parser.add_argument("--quick", action="store_true")
  parser.add_argument("--merge", action="store_true",
                      help="keep the other scenarios' figures from the existing bench/results.json")
  args = parser.parse_args()
  only = set(args.only.split(","))
  os.makedirs(WORK, exist_ok=True)
  results = {"machine": machine(), "runs": args.runs, "scenarios": {}, "quick": args.quick}
  previous = {}
  if args.merge and os.path.exists(os.path.join(HERE, "results.json")):
    with open(os.path.join(HERE, "results.json")) as f:
      previous = json.load(f)
    # The commit of the last full run: a merge into a merged file keeps the original's.
    results["merged_from"] = previous.get("merged_from") or previous.get("machine", {}).get("cgipool_commit")
  have_runtime = has_subcommand("start") and has_subcommand("stop") and has_subcommand("status")
  supervisord = os.path.exists(scenarios_pool.SUPERVISORD)
  began = time.monotonic()

  def scenario(key, body, needs_runtime=False):
    if key not in only:
      results["scenarios"][key] = previous.get("scenarios", {}).get(key, {"not_run": "not selected (--only)"})
      return
    if needs_runtime and not have_runtime:
      results["scenarios"][key] = {"not_run": "`cgipool start`/`stop`/`status` are not in this build"}
      log(f"{key}: not run (no cgipool start/stop/status)")
      return
    log(f"{key}: running")
    t0 = time.monotonic()
    try:
      results["scenarios"][key] = body()
    except Exception as error:  # noqa: BLE001 (a failed scenario is reported, the others still run)
      traceback.print_exc()
      results["scenarios"][key] = {"failed": f"{type(error).__name__}: {error}"[:2000]}
    results["scenarios"][key]["seconds"] = round(time.monotonic() - t0, 1)
    write_json(os.path.join(HERE, "results.json"), results)

  runs = args.runs
  scenario("compile", lambda: scenarios_offline.run_compile(runs))
  scenario("generator", lambda: scenarios_offline.run_generator(runs))
  scenario("reaper", lambda: scenarios_offline.run_reaper(runs, count=500 if args.quick else 5000))
  scenario("status", lambda: scenarios_pool.run_status(runs, sizes=(10, 50) if args.quick else (50, 500)), True)
  if "status" in only and results["scenarios"].get("status", {}).get("goal_met") is False:
    sizes = results["scenarios"]["status"]["sizes"]
    largest = max(sizes, key=int)
    try:
      results["scenarios"]["status"]["profile"] = scenarios_pool.profile_status(
        os.path.join(WORK, f"st{largest}.json"))
    except Exception as error:  # noqa: BLE001
      results["scenarios"]["status"]["profile"] = {"mode": "status", "note": f"profiling failed: {error}"}
  scenario("pool40", lambda: scenarios_pool.run_pool40(
    runs, delays=(200,) if args.quick else (500, 200), supervisord=supervisord), True)
  if "pool40" in results["scenarios"] and not supervisord:
    results["scenarios"]["pool40"]["supervisord_not_run"] = "supervisor could not be installed into bench/.venv"
  scenario("probe", lambda: scenarios_pool.probe_cpu(runs, wait=5 if args.quick else 30))
  scenario("liveness", lambda: scenarios_liveness.run_liveness(
    runs, sizes=((20, 2),) if args.quick else scenarios_liveness.SIZES), True)
  # At most 3 runs: 15 load windows of 7 s each per run, about 2 minutes a run (under 6 minutes in all).
  scenario("serving", lambda: scenarios_serving.run_serving(
    1 if args.quick else min(runs, 3), window=4.0 if args.quick else 7.0), True)
  keep_liveness_sizes(results, previous)
  results["total_seconds"] = round(time.monotonic() - began, 1)
  if previous:
    # The run's length stays the full run's; the re-run of the selected scenarios is noted apart.
    results["rerun"] = {"scenarios": sorted(only), "seconds": results["total_seconds"], "date": time.strftime("%Y-%m-%d %H:%M %Z"),
                        "commit": results["machine"]["cgipool_commit"]}
    # Earlier re-runs of other scenarios stay listed (their figures stay in the file).
    earlier = previous.get("reruns") or ([dict(previous["rerun"], commit=previous["machine"].get("cgipool_commit"))]
                                         if previous.get("rerun") else [])
    results["reruns"] = [r for r in earlier if not set(r["scenarios"]) <= only] + [results["rerun"]]
    results["total_seconds"] = previous.get("total_seconds")
    results["machine"]["loadavg_before"] = previous["machine"].get("loadavg_before")
    results["machine"]["date"] = previous["machine"].get("date")
  results["machine"]["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
  write_json(os.path.join(HERE, "results.json"), results)
  with open(os.path.join(ROOT, "BENCHMARKS.md"), "w") as f:
    f.write(report.render(results))
  log(f"wrote bench/results.json and BENCHMARKS.md in {results['total_seconds']}s")


if __name__ == "__main__":
  main()
