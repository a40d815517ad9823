"""Render bench/results.json as BENCHMARKS.md."""
import json
import os
import statistics
from benchlib import stats


def ms(value):
  return f"{value * 1000:.1f} ms" if value < 10 else f"{value:.2f} s"


def span(s, scale=1.0, unit=" ms", digits=1):
  """`median (min–max)` of a stats dict, scaled (1000 for seconds -> ms)."""
  if not s or not s.get("n"):
    return "–"
  f = lambda v: f"{v * scale:.{digits}f}"
  return f"{f(s['median'])}{unit} ({f(s['min'])}–{f(s['max'])})"


def goal(met, text):
  return f"**met** ({text})" if met else f"**missed** ({text})"


def not_run(entry):
  if "not_run" in entry:
    return f"Not run: {entry['not_run']}.\n"
  if "failed" in entry:
    return f"Not run to the end: the scenario failed: `{entry['failed'].splitlines()[0][:400]}`.\n"
  return None


def section_compile(c, summary):
  out = ["## 1. Compile\n",
         "Configs of 100, 1,000 and 10,000 processes in a DAG (process i depends on processes (i-1)/2 and i/3), "
         "each a `python3 svc.py` command with a port health check. Each command runs once to warm up, then "
         f"{c.get('runs', '?')} times; output goes to /dev/null. Goal: 10,000 processes in under 1 s, linear.\n"]
  skip = not_run(c)
  if skip:
    summary.append(("Compile 10,000 < 1 s", "not run"))
    return out + [skip]
  labels = list(next(iter(c["sizes"].values())).keys())
  out.append("| processes | " + " | ".join(f"`cgipool {l}`" for l in labels) + " |")
  out.append("|---:|" + "---|" * len(labels))
  for n, row in c["sizes"].items():
    out.append(f"| {int(n):,} | " + " | ".join(span(row[l]["wall"], 1000) for l in labels) + " |")
  out.append("")
  out.append("Per process at 10,000: " + ", ".join(
    f"`{l}` {c['sizes']['10000'][l]['wall']['median'] / 10000 * 1e6:.0f} µs" for l in labels) +
    ". Growth from 1,000 to 10,000 (10× the processes): " +
    ", ".join(f"`{l}` {v:.1f}×" for l, v in c["linearity"].items()) + ". Peak RSS at 10,000: " +
    ", ".join(f"`{l}` {c['sizes']['10000'][l]['maxrss_kib'] / 1024:.0f} MiB" for l in labels) + ".\n")
  worst = max(c["sizes"]["10000"][l]["wall"]["median"] for l in labels)
  lin = max(c["linearity"].values())
  summary.append(("Compile 10,000 processes < 1 s", goal(c["goal_met"], f"slowest command {ms(worst)}, "
                  f"{worst:.2f}× the budget; 1k→10k growth up to {lin:.1f}×")))
  if "profile" in c:
    p = c["profile"]
    out.append(f"Profile of `cgipool {p['mode']}` at 10,000 ({p.get('tool')}):\n")
    if "note" in p:
      out.append(p["note"] + "\n")
    else:
      out += ["Self time (top entries):\n", "```", p["self"], "```", "",
              "Inclusive time (callers ≥ 8 %):\n", "```", p["inclusive"], "```", ""]
  return out


def section_generator(g, summary):
  out = ["## 1b. Systemd generator\n",
         "`cgipool generator`, as systemd runs it at boot and at every `daemon-reload` (PID 1 waits for it): "
         "one config of 10 and of 1,000 processes (the compile scenario's DAG) in a config folder, a fresh output "
         f"folder each run, {g.get('runs', '?')} runs after one warm-up round. Side by side in the same loop: "
         "`generate units --output` of the same config.\n"]
  skip = not_run(g)
  if skip:
    summary.append(("Generator 10 / 1,000 processes", "not run"))
    return out + [skip]
  out.append("| processes | files written | `cgipool generator` | `generate units --output` | ratio |")
  out.append("|---:|---:|---|---|---:|")
  for n, row in g["sizes"].items():
    gen, units = row["generator"]["wall"], row["generate units --output"]["wall"]
    out.append(f"| {int(n):,} | {row['files']} | {span(gen, 1000)} | {span(units, 1000)} | "
               f"{gen['median'] / units['median']:.2f}× |")
  out.append("")
  small, big = g["sizes"]["10"]["generator"]["wall"], g["sizes"]["1000"]["generator"]["wall"]
  summary.append(("Generator 10 / 1,000 processes (reported)", f"{ms(small['median'])} / {ms(big['median'])}"))
  return out


def section_reaper(r, summary):
  out = ["## 2. Reaper scan\n",
         "5,000 idle `sleep` processes started by the harness (one process group, ended by `killpg` at the end), "
         "then `cgipool cleanup --dry-run` with a config whose orphan_patterns (cgipool's defaults) match none of "
         "them, against one `pgrep -f` with the same patterns as one regular expression. Runs interleaved. "
         "Goal: cleanup ≤ 1× pgrep.\n"]
  skip = not_run(r)
  if skip:
    summary.append(("Reaper scan ≤ 1× pgrep", "not run"))
    return out + [skip]
  out += [f"Processes on the machine during the scan: {r['processes_on_machine']:,} ({r['sleepers']:,} sleepers). "
          f"pgrep pattern: `{r['pgrep_regex']}`.\n",
          "| command | wall | CPU (user+sys) |", "|---|---|---|"]
  for label in ("cleanup --dry-run", "cleanup --dry-run --json", "pgrep -f"):
    out.append(f"| `{label}` | {span(r[label]['wall'], 1000)} | {span(r[label]['cpu'], 1000)} |")
  out.append("")
  summary.append(("Reaper scan ≤ 1× pgrep -f", goal(r["goal_met"], f"{r['ratio']:.2f}×")))
  if "profile" in r and "self" in r["profile"]:
    out += ["Profile of `cgipool cleanup --dry-run` (perf, self time):\n", "```", r["profile"]["self"], "```", ""]
  return out


def section_status(s, summary):
  out = ["## 3. Status at scale\n",
         "Pools of 50 and 500 units (`/bin/sleep infinity`, restart `no`, no health check) started with "
         "`cgipool start`, then `cgipool status`, `cgipool status --json` and `systemctl --user list-units "
         "'<pool>-*'` against the same private manager, interleaved. Goal: ≤ 1.5× systemctl.\n"]
  skip = not_run(s)
  if skip:
    summary.append(("Status ≤ 1.5× systemctl list-units", "not run"))
    return out + [skip]
  out += ["| units | `cgipool status` | `cgipool status --json` | `systemctl --user list-units` | ratio | ratio (json) |",
          "|---:|---|---|---|---:|---:|"]
  for n, e in s["sizes"].items():
    out.append(f"| {n} | {span(e['cgipool status']['wall'], 1000)} | {span(e['cgipool status --json']['wall'], 1000)} "
               f"| {span(e['systemctl --user list-units']['wall'], 1000)} | {e['ratio']:.2f}× | {e['ratio_json']:.2f}× |")
  out.append("")
  out.append("CPU (user+sys) of the same commands: " + "; ".join(
    f"{n} units: " + ", ".join(f"`{l}` {e[l]['cpu']['median'] * 1000:.0f} ms" for l in
                               ("cgipool status", "cgipool status --json", "systemctl --user list-units") if "cpu" in e[l])
    for n, e in s["sizes"].items()) + ".\n")
  if "profile" in s:
    pr = s["profile"]
    out.append(f"Profile of `cgipool status` at the largest size ({pr.get('tool', '')}):\n")
    if "note" in pr:
      out.append(pr["note"] + "\n")
    else:
      out += ["Self time (top entries):\n", "```", pr["self"], "```", "",
              "Inclusive time (callers ≥ 8 %):\n", "```", pr["inclusive"], "```", ""]
  out.append("Starting them with `cgipool start`: " + ", ".join(
    f"{n} units {ms(e['start_wall'])}" for n, e in s["sizes"].items()) + "; stopping with `cgipool stop`: " +
    ", ".join(f"{n} units {ms(e['stop_wall'])}" for n, e in s["sizes"].items() if e.get("stop_wall")) + ".\n")
  worst = max(max(e["ratio"], e["ratio_json"]) for e in s["sizes"].values())
  summary.append(("Status ≤ 1.5× systemctl list-units", goal(s["goal_met"], f"worst {worst:.2f}×")))
  return out


def col(rows, key):
  return [r[key] for r in rows if key in r]


def section_pool40(p, probe, summary):
  out = ["## 4. Cold start of pool-40\n",
         "One pool manager, one proxy and 38 workers that depend on the manager, each `python3 -S bench/svc.py`: "
         "it binds its 127.0.0.1 port R ms after it starts; port health checks. The critical path is the manager "
         "then a dependent: 2R. Measured from the command to \"all healthy\": for `cgipool start`, its return "
         "(it returns once every unit is active, i.e. passed its probe; the harness checks that every port answers "
         "then); for the others, until the harness (polling every 2 ms) sees all 40 ports answer. Variants: "
         "`cgipool start` (transient units over D-Bus); the same pool as unit files (`cgipool generate units "
         "--output $XDG_RUNTIME_DIR/systemd/user`, daemon-reload) started with `systemctl --user start "
         "pool-40u.target`; supervisord (programs with priorities manager < others; it cannot wait for health); "
         "a sequential starter (`bench/seqstart.py`: dependency order, waits for each port, polling every 10 ms, "
         "before starting the next, like the original Python manager); and, as the machine's floor, a parallel "
         "launch of all 40 at once ignoring dependencies (`seqstart.py parallel`), which shows what 40 Python "
         "start-ups cost on this machine's cores. Goal: cgipool ≤ 1.25× 2R.\n"]
  skip = not_run(p)
  if skip:
    for name in ("Cold start ≤ 1.25× critical path", "Readiness latency ≤ 25 ms", "Stop ≤ 1.2× slowest unit",
                 "No resident cgipool process after start"):
      summary.append((name, "not run"))
    return out + [skip]
  out += ["| R | variant | all healthy | ratio to 2R | command returned |", "|---:|---|---|---:|---|"]
  ratios = {}
  for delay, entry in p["by_delay"].items():
    critical = 2 * int(delay) / 1000
    for variant, rows in entry.items():
      healthy = stats(col(rows, "all_healthy"))
      returned = stats(col(rows, "start_returned"))
      ratio = healthy["median"] / critical
      ratios[(delay, variant)] = ratio
      out.append(f"| {delay} ms | {variant} | {span(healthy, 1000, digits=0)} | {ratio:.2f}× | "
                 f"{span(returned, 1000, digits=0) if returned['n'] else '–'} |")
  out.append("")
  if p.get("supervisord_not_run"):
    out.append(f"supervisord: not run: {p['supervisord_not_run']}.\n")
  out.append("Where the time goes (medians, ms from the command's start; systemd's own timestamps and the "
             "services' logs):\n")
  out += ["| R | variant | last exec (systemd) | last service start (log) | last bind | last unit active | command returned |",
          "|---:|---|---:|---:|---:|---:|---:|"]
  for delay, entry in p["by_delay"].items():
    for variant, rows in entry.items():
      tl = [r["timeline"] for r in rows if "timeline" in r]
      if not tl:
        continue
      med = lambda k: statistics.median(t[k] for t in tl) * 1000
      out.append(f"| {delay} ms | {variant} | {med('last_exec'):.0f} | {med('last_service_start'):.0f} | "
                 f"{med('last_bind'):.0f} | {med('last_unit_active'):.0f} | "
                 f"{statistics.median(col(rows, 'start_returned')) * 1000:.0f} |")
  out.append("")
  cg = {d: r for (d, v), r in ratios.items() if v == "cgipool start"}
  floor = {d: r for (d, v), r in ratios.items() if v == "parallel floor"}
  summary.append(("Cold start ≤ 1.25× critical path (2R)", goal(all(r <= 1.25 for r in cg.values()), ", ".join(
    f"R={d} ms: {r:.2f}× (the parallel floor of this machine: {floor.get(d, float('nan')):.2f}×)" for d, r in cg.items()))))
  ok = all(all(r.get("healthy_when_returned", True) for r in e["cgipool start"]) for e in p["by_delay"].values())
  out.append("Every port answered when `cgipool start` returned: " + ("yes, in every run." if ok else
             "**no**, in some runs (see results.json).") + "\n")

  # 5. readiness
  out += ["## 5. Readiness latency and probe CPU\n",
          "Latency from the manager binding its port (svc.py logs CLOCK_MONOTONIC right after listen()) to each "
          "of its 39 dependents starting: for systemd, the dependent's `ExecMainStartTimestampMonotonic` (for these "
          "`Type=exec` units systemd records it once the forked child has moved into the unit's cgroup and exec'd); for every variant also the dependent's own first log line (which adds Python's start-up, "
          "about the same for all). All runs and both R pooled. Goal: ≤ 25 ms (systemd exec start, cgipool).\n",
          "| variant | exec start: median | p95 | max | first log line: median | p95 |", "|---|---|---|---|---|---|"]
  variants = list(next(iter(p["by_delay"].values())).keys())
  readiness_cg = None
  for variant in variants:
    if variant in ("parallel floor",):
      continue  # no dependencies there: nothing waits for the manager's port
    execs, logged = [], []
    for entry in p["by_delay"].values():
      for row in entry.get(variant, []):
        execs += row["readiness"].get("exec", [])
        logged += row["readiness"]["logged"]
    e, l = stats(execs), stats(logged)
    if variant == "cgipool start":
      readiness_cg = e
    fmt = lambda s, k: f"{s[k]:.1f} ms" if s.get("n") else "–"
    out.append(f"| {variant} | {fmt(e, 'median')} | {fmt(e, 'p95')} | {fmt(e, 'max')} | {fmt(l, 'median')} | {fmt(l, 'p95')} |")
  out.append("")
  firsts = [row["readiness"]["first_exec"] for e in p["by_delay"].values() for row in e.get("cgipool start", [])
            if row["readiness"].get("first_exec") is not None]
  first = stats(firsts)
  pair = p.get("readiness_pair", {})
  if first.get("n"):
    out.append("The first of the 39 dependents is forked "
               f"{span(first, 1, ' ms')} after the bind (cgipool start): that is the readiness signal itself (probe "
               "poll, job completion, fork); the spread to the last is systemd forking 39 services and their 39 "
               "probes one after another on a machine whose two cores are busy starting Python.\n")
  if pair.get("exec"):
    out.append(f"Without that load, a pool of two (manager and one dependent, R = 200 ms, `cgipool start`, "
               f"{pair['runs']} runs): bind → dependent's exec {span(pair['exec'], 1, ' ms')}, p95 "
               f"{pair['exec']['p95']:.1f} ms; bind → dependent's first log line {span(pair['logged'], 1, ' ms')}. "
               + (f"Split: bind → manager unit active (the `cgipool probe` ExecStartPost seeing the port, polling "
                  f"every 5 ms, and exiting) {span(pair['bind_to_active'], 1, ' ms')}; manager active → dependent "
                  f"exec'd (systemd's job, fork, and the child's cgroup move and exec) {span(pair['active_to_fork'], 1, ' ms')}." if pair.get("bind_to_active") else "")
               + "\n")
  if readiness_cg and readiness_cg.get("n") and pair.get("exec"):
    met = pair["exec"]["p95"] <= 25
    summary.append(("Readiness latency ≤ 25 ms", goal(met, f"pool of 2: median {pair['exec']['median']:.1f} ms, "
                    f"p95 {pair['exec']['p95']:.1f} ms; pool-40: first dependent median {first.get('median', 0):.1f} ms, "
                    f"all 39 median {readiness_cg['median']:.0f} ms, p95 {readiness_cg['p95']:.0f} ms")))
  if probe and "cpu" in probe:
    out.append(f"`cgipool probe port <closed port> --timeout {probe['timeout_s']}`, {probe['runs']} probes side by side: "
               f"CPU (user+sys) {span(probe['cpu'], 1000)} over {span(probe['wall'], 1, ' s', 2)} of waiting "
               f"(user {span(probe['user'], 1000)}, sys {span(probe['sys'], 1000)}); exit codes {probe['exit_codes']}.\n")
    summary.append(("Probe CPU while waiting 30 s (reported)", f"{probe['cpu']['median'] * 1000:.0f} ms "
                    f"({probe['cpu']['median'] / probe['timeout_s'] * 100:.2f} % of one core)"))
  elif probe:
    out.append((not_run(probe) or "") + "\n")

  # 6. stop
  own = p.get("own_stop_slowest", {})
  own_s = stats(own.get("wall", []))
  out += ["## 6. Stop of pool-40\n",
          f"Each service exits a fixed time after SIGTERM (drain time: manager {p['stop_ms']['manager']} ms, "
          f"proxy {p['stop_ms']['proxy']} ms, workers {p['stop_ms']['worker']} ms), so the proxy is the slowest unit. "
          "Measured from the stop command to \"nothing left\" (every service PID gone, and the command returned). "
          "The slowest unit's own stop time is `systemctl --user stop pool-40-proxy.service` alone while the pool "
          f"runs: {span(own_s, 1000, digits=0)}. systemd stops dependents before their dependencies (the reverse "
          "of `After=`), so the ordered lower bound is max(proxy, worker) + manager drain = "
          f"{max(p['stop_ms']['proxy'], p['stop_ms']['worker']) + p['stop_ms']['manager']} ms. "
          "Goal: ≤ 1.2× the slowest unit's own stop time.\n",
          "| R | variant | nothing left | ratio to slowest unit's own stop | command returned |", "|---:|---|---|---:|---|"]
  stop_ratio = []
  for delay, entry in p["by_delay"].items():
    for variant, rows in entry.items():
      left = stats(col(rows, "stop_nothing_left"))
      returned = stats(col(rows, "stop_returned"))
      ratio = left["median"] / own_s["median"] if own_s.get("n") else float("nan")
      if variant == "cgipool start":
        stop_ratio.append(ratio)
      out.append(f"| {delay} ms | {variant.replace(' start', ' stop').replace('systemctl stop', 'systemctl stop')} | "
                 f"{span(left, 1000, digits=0)} | {ratio:.2f}× | {span(returned, 1000, digits=0) if returned['n'] else '–'} |")
  out.append("")
  # When each service saw SIGTERM, relative to the stop command (cgipool, last run): shows the ordering.
  last = p["by_delay"][list(p["by_delay"])[-1]]["cgipool start"][-1]["stop_services"]
  if last:
    term = lambda names: stats([last[n]["term_at"] for n in names if n in last])
    workers = [n for n in last if n.startswith("w")]
    out.append("In the last `cgipool stop`, SIGTERM reached the proxy at "
               f"{term(['proxy'])['median'] * 1000:.0f} ms, the workers at {span(term(workers), 1000, digits=0)}, "
               f"and the manager at {term(['manager'])['median'] * 1000:.0f} ms after the command started.\n")
  if stop_ratio and own_s.get("n"):
    summary.append(("Stop ≤ 1.2× slowest unit's own stop", goal(all(r <= 1.2 for r in stop_ratio),
                    ", ".join(f"{r:.2f}×" for r in stop_ratio))))

  # 7. memory
  out += ["## 7. Memory\n"]
  rss = []
  resident = []
  for entry in p["by_delay"].values():
    for row in entry["cgipool start"]:
      rss.append(row["maxrss_kib"] / 1024)
      resident.append(row["resident_cgipool"])
  sup = [row["daemon_rss_kib"] / 1024 for e in p["by_delay"].values() for row in e.get("supervisord", [])]
  left_counts = [len(r) for r in resident]
  out.append(f"Peak RSS of `cgipool start` (getrusage of the child, all runs): {span(stats(rss), 1, ' MiB')}. "
             f"cgipool processes still running after `cgipool start` returned: {max(left_counts) if left_counts else '–'} "
             "(any process whose executable is the cgipool binary, probes included).")
  if sup:
    out.append(f"supervisord's resident daemon after starting the same pool: {span(stats(sup), 1, ' MiB')} RSS.")
  m = p.get("monitor", {})
  out.append("\nMonitor mode (`cgipool start --monitor`): " + (
    f"not run: {m['not_run']}." if "not_run" in m else
    f"RSS {m['rss_kib_last'] / 1024:.1f} MiB while watching, peak {m['maxrss_kib'] / 1024:.1f} MiB."))
  manager_rss = p.get("private_manager_rss_kib")
  out.append(" On this machine the pool also needs cgipool's private `systemd --user` manager, resident while the pool "
             "runs (where systemd is PID 1, that role falls to the manager already there)" +
             (f": {manager_rss / 1024:.1f} MiB RSS with pool-40 loaded.\n" if manager_rss else ".\n"))
  summary.append(("No resident cgipool process after a background start",
                  goal(max(left_counts or [0]) == 0, f"{max(left_counts or [0])} left")))
  return out


def section_liveness(lv, summary):
  out = ["## 8. Liveness at scale\n",
         "Pools of N `always` processes (`/bin/sleep infinity`) with a port health check every I s, each port served "
         "by one listener process outside the pool (`bench/listener.py`), on the harness's private manager. Side by "
         "side in one run: the **health unit** (this build: one `<pool>.health.service` running `cgipool liveness`, "
         "checks in-process), the **timer design** (the last commit before it: a `.liveness.timer` and a oneshot "
         "`.liveness.service` running `cgipool probe --liveness-of` per process), and the same pool with **no "
         "liveness** (no health check). Busy cores = CPU time from cgroup v2 `cpu.stat` `usage_usec` (which counts "
         "processes that have exited) over a 30 s window that starts `interval + 3` s after `cgipool start` returned: "
         "the private manager's whole cgroup (systemd itself, the forks it makes for the timer design, every unit) "
         "and the pool's slice apart. The window is read in three 10 s slices: median (min–max) of the slices. "
         "The listener's own CPU (the accepts, the same work for every design) is not in the manager's cgroup and is "
         "listed apart. Goals: 100 processes every 2 s ≤ 0.05 cores; 1,000 every 10 s ≤ 0.1 cores.\n"]
  skip = not_run(lv)
  if skip:
    summary.append(("Liveness CPU (100 @ 2 s ≤ 0.05, 1,000 @ 10 s ≤ 0.1 cores)", "not run"))
    return out + [skip]
  if lv.get("sizes_rerun"):
    rerun = ", ".join(k.replace("@", " @ ") + " s" for k in lv["sizes_rerun"])
    out.append(f"Sizes {rerun} are from a later run (`BENCH_LIVENESS_SIZES`, every design of a size side by side in "
               "that run, and the restart times); the other sizes' rows are from the run before it.\n")
  if lv.get("timer_commit"):
    out.append(f"Timer design: a release build of commit {lv['timer_commit']} (`bench/build-timer-design.sh`).\n")
  elif lv.get("timer_not_run"):
    out.append(f"Timer design: not run ({lv['timer_not_run']}).\n")
  out += ["| processes @ interval | design | manager cgroup: cores over 30 s | 10 s slices | pool slice | "
          "health unit | listener | units loaded | ratio to the health unit |",
          "|---|---|---:|---|---:|---:|---:|---:|---:|"]
  for key, entry in lv["sizes"].items():
    base = entry.get("health unit", {}).get("manager", {}).get("cores")
    for variant in ("health unit", "timer design", "no liveness"):
      row = entry.get(variant)
      if not row:
        continue
      if "manager" not in row:
        why = row.get("not_run") or "failed: `" + row.get("failed", "?").splitlines()[0][:200] + "`"
        out.append(f"| {entry['count']:,} @ {entry['interval']} s | {variant} | not run: {why} | | | | | | |")
        continue
      cores = row["manager"]["cores"]
      health = row.get("health unit", {}).get("cores")
      ratio = f"{cores / base:.1f}×" if base else "–"
      out.append(f"| {entry['count']:,} @ {entry['interval']} s | {variant} | {cores:.4f} | "
                 f"{span(row['manager']['slices'], 1, '', 4)} | {row['slice']['cores']:.4f} | "
                 f"{f'{health:.4f}' if health is not None else '–'} | {row['listener']['cores']:.4f} | "
                 f"{row['units_loaded']:,} | {ratio} |")
  out.append("")
  out.append("Whole machine during each window (shared with other engineers' builds and tests, so for context only): " +
             "; ".join(f"{e['count']:,} @ {e['interval']} s: " + ", ".join(
               f"{v} {e[v]['machine_cores']:.2f}" for v in ("health unit", "timer design", "no liveness")
               if "machine_cores" in e.get(v, {}))
               for e in lv["sizes"].values()) + " busy cores.\n")
  rs = lv.get("restart", {})
  if rs:
    out += ["Time from a process turning unhealthy to its restart: a running pool of 100 checked every 2 s "
            "(failure_threshold 3, the default); the listener stops listening on one process's port while the "
            "process keeps running; from that moment to systemd's `ActiveExitTimestampMonotonic` (the unit leaving "
            "`active`: the kill) and to the new process's `ExecMainStartTimestampMonotonic`. Three failed checks 2 s apart "
            "put the floor between 4 and 6 s, depending on where in its interval the port closed.\n",
            "| design | samples | unhealthy → killed | unhealthy → new process |", "|---|---:|---|---|"]
    for variant, r in rs.items():
      if "failed" in r:
        out.append(f"| {variant} | – | failed: `{r['failed'].splitlines()[0][:200]}` | – |")
        continue
      out.append(f"| {variant} | {r['killed']['n']} | {span(r['killed'], 1, ' s', 2)} | {span(r['restarted'], 1, ' s', 2)} |")
    out.append("")
  goals = lv.get("goals", {})
  if goals:
    text = "; ".join(f"{k.replace('@', ' @ ')} s: {g['cores']:.4f} cores ({g['cores'] / g['budget']:.2f}× the budget)"
                     for k, g in goals.items())
    summary.append(("Liveness CPU (100 @ 2 s ≤ 0.05, 1,000 @ 10 s ≤ 0.1 cores)", goal(lv["goal_met"], text)))
  else:
    summary.append(("Liveness CPU (100 @ 2 s ≤ 0.05, 1,000 @ 10 s ≤ 0.1 cores)", "not run at the goal's sizes"))
  if "analysis" in lv:
    out.append(lv["analysis"] + "\n")
  return out


def section_serving(sv, summary):
  out = ["## 9. Serving through faults\n"]
  skip = not_run(sv)
  if skip:
    summary.append(("Serving through faults (reported)", "not run"))
    return out + [skip]
  labels, scenarios = sv["labels"], sv["scenario_labels"]
  # results.json sorts its keys: the order here is the scenario's own.
  order = [s for s in ("baseline", "rolling", "proxy", "pool", "kill") if s in sv["summary"]]
  order += [s for s in sv["summary"] if s not in order]
  variants = [v for v in ("held", "bound", "supervisord") if v in labels] + \
    [v for v in labels if v not in ("held", "bound", "supervisord")]
  variants = [v for v in variants if any(sv["summary"][s].get(v) for s in sv["summary"])]
  out += [
    "The demo's programs (`ops/demo`: the proxy, the pool manager, two CGI worker groups `sample_hello` and "
    f"`sample_time` with {sv['replicas']} replicas each) in three set-ups that run side by side for the whole "
    "scenario, on ports of the bench's own: **cgipool, `listen`** (systemd holds every port; each group's "
    "replicas share the group's port through one socket per instance, readiness from "
    f"{sv['readiness']}), **cgipool, no `listen`** (the same pool, each process binds its own port as before "
    "`listen`, so each replica has a port and the manager lists every replica), and **supervisord** running the "
    "same programs (`numprocs` for the replicas, a port each, `autorestart`, `startsecs=1`), restarted with "
    "`supervisorctl restart`. The pool manager checks its workers every second (`--interval 1`) in all three. "
    f"Load: `ab -c {sv['concurrency']} -t {sv['window_s']:g}` (keep-alive off, `-r`) on the proxy, "
    f"`GET {sv['request']}` (a shell CGI script behind the proxy and a worker); the fault starts "
    f"{sv['fault_at_s']:g} s into the window. Each run goes through every scenario, and each scenario through "
    f"the three set-ups one after another; {sv['runs']} runs, medians with (min–max). The machine (2 cores) "
    "was shared with other engineers' builds and tests while this ran, and the load itself keeps both cores "
    "busy, so latencies are noisy; the failed counts are what to compare"
    + (f" (run on {sv['date']} at commit {sv['commit']}, load average {sv['loadavg_before']} before and "
       f"{sv['loadavg_after']} after)" if sv.get("commit") else "") + ".\n",
    "Faults: a **rolling restart** is `cgipool restart sample_hello` (one replica at a time, each healthy "
    "before the next); supervisorctl has none (`restart sample_hello:*` stops both at once), so there it is "
    "`supervisorctl restart` of one replica, then of the other. The **proxy** restart is `cgipool restart "
    "proxy` or `supervisorctl restart proxy`; the **whole pool** `cgipool restart` or `supervisorctl restart "
    "all`; **`kill -9`** is SIGKILL to replica 1 of `sample_hello`, which `restart_policy`/`autorestart` "
    "brings back.\n",
    "A request **failed** when it got no 2xx answer: refused or reset (ab's connect and receive errors) or "
    "answered 5xx (the proxy's 502 when a worker died under it, 503 with no healthy worker). ab's own "
    "\"Failed requests\" is not used: it counts a refused connection again as an \"exception\" and as a "
    "\"length\" error. ab is a closed loop: a refused connection returns at once and the next one follows, so "
    "during an outage the failed count grows with the outage's length times how fast refusals come, not with "
    "how many users there are. The percentiles are ab's (`-e`) over every request, refused ones included "
    "as ~0 ms: where many requests failed, p99 looks better than what the answered requests saw. The max "
    "is the longest request, which with `listen` is a connection that waited in a held socket's queue.\n",
    "| scenario | set-up | failed requests | answered (2xx) | p99 | max | fault command took (`kill -9`: new process after) |",
    "|---|---|---:|---:|---:|---:|---:|"]
  def value(entry, key, digits=0, unit=""):
    e = entry.get(key)
    if not e:
      return "–"
    f = lambda v: f"{v:,.{digits}f}"
    return f"{f(e['median'])}{unit} ({f(e['min'])}–{f(e['max'])})" if e["min"] != e["max"] else f"{f(e['median'])}{unit}"
  def fault_time(scenario, entry):
    if scenario == "baseline":
      return "–"
    return value(entry, "new_process_after" if scenario == "kill" else "fault_seconds", 2, " s")
  notes = []
  for scenario in order:
    by = sv["summary"][scenario]
    for variant in variants:
      entry = by.get(variant)
      if not entry:
        continue
      out.append(f"| {scenarios[scenario]} | {labels[variant]} | {value(entry, 'failed')} | {value(entry, 'ok')} | "
                 f"{value(entry, 'p99_ms', 0, ' ms')} | {value(entry, 'max_ms', 0, ' ms')} | "
                 f"{fault_time(scenario, entry)} |")
      for error in entry.get("fault_errors", []):
        notes.append(f"{scenarios[scenario]}, {labels[variant]}: the fault command failed: `{error.splitlines()[0][:300]}`")
      samples = [x.split(" WARNING:")[0].strip() for row in sv.get("cells", {}).get(scenario, {}).get(variant, [])
                 for x in row.get("non2xx_samples", [])]
      samples = [x for x in samples if not x.endswith(":")]
      if samples and scenario != "pool":
        notes.append(f"{scenarios[scenario]}, {labels[variant]}: the non-2xx answers were " +
                     "; ".join(f"`{x}`" for x in samples[:2]))
      if entry.get("ab_aborted"):
        notes.append(f"{scenarios[scenario]}, {labels[variant]}: ab gave up in {len(entry['ab_aborted'])} of "
                     f"{sv['runs']} runs (`{entry['ab_aborted'][0]}`: even with `-r`, ab stops without a summary "
                     "on some socket errors), so the figures are of the other runs")
      if entry.get("fault_outside_window"):
        notes.append(f"{scenarios[scenario]}, {labels[variant]}: in {entry['fault_outside_window']} of "
                     f"{sv['runs']} runs the fault command returned after the load window ended")
  out.append("")
  if notes:
    out += ["Notes:\n"] + [f"- {note}." for note in notes] + [""]
  headline = []
  for scenario in order:
    if scenario == "baseline":
      continue
    cells = ", ".join(f"{labels[v]} {sv['summary'][scenario][v]['failed']['median']:,.0f}"
                      for v in variants if sv["summary"][scenario].get(v, {}).get("failed"))
    headline.append(f"{scenarios[scenario]}: {cells}")
  summary.append(("Failed requests per fault (reported; median)", "; ".join(headline)))
  if sv.get("analysis"):
    out.append(sv["analysis"] + "\n")
  return out


def render(results):
  m = results["machine"]
  s = results["scenarios"]
  summary = []
  body = []
  body += section_compile(s.get("compile", {"not_run": "not selected"}), summary)
  body += section_generator(s.get("generator", {"not_run": "not selected"}), summary)
  body += section_reaper(s.get("reaper", {"not_run": "not selected"}), summary)
  body += section_status(s.get("status", {"not_run": "not selected"}), summary)
  body += section_pool40(s.get("pool40", {"not_run": "not selected"}), s.get("probe"), summary)
  body += section_liveness(s.get("liveness", {"not_run": "not selected"}), summary)
  body += section_serving(s.get("serving", {"not_run": "not selected"}), summary)
  head = [
    "# Benchmarks\n",
    "Written by `make bench` (`bench/run.sh`); the raw figures are in `bench/results.json`. Every figure is "
    f"the median of {results['runs']} runs or more with (min–max), all from one run on one machine. "
    "Benchmarks report; the test suite asserts behaviour only.\n",
    "## Machine\n",
    f"- CPU: {m['cpu']} ({m['nproc']} cores as `nproc` sees them), memory {m['memory_gib']} GiB",
    f"- Kernel {m['kernel']}, {m['os']}, {m['systemd']}; PID 1 is `{m['pid1']}` (not systemd), so cgipool "
    "runs its private `systemd --user` manager, in a fresh runtime folder for this run",
    f"- cgipool commit {m['cgipool_commit']}{' (with uncommitted changes)' if m['cgipool_dirty'] else ''}, "
    f"release build (`{m['cgipool_binary']}`); {m['swift']}",
    f"- Python {m['python']} (harness), services run by /usr/bin/python3 -S; supervisor {m['supervisor'] or 'not installed'}",
    f"- Load average (1, 5, 15 min) before the run {m.get('loadavg_before')}, after {m.get('loadavg_after')}: the "
    "machine is shared with other work, whose load shows up as noise (see the min–max)",
    *[f"- Re-run on {r['date']} with `--merge`: {', '.join(r['scenarios'])} ({r['seconds']} s) at commit "
      f"{r.get('commit') or m['cgipool_commit']}" for r in results.get("reruns") or
      ([results["rerun"]] if results.get("rerun") else [])],
    (f"- The other figures are from the full run at commit {results.get('merged_from')}" if results.get("rerun") else ""),
    f"- Run on {m['date']}, {results.get('total_seconds', '?')} s in all" + (" (**--quick**: reduced sizes)" if results.get("quick") else ""),
    "",
    "## Goals\n",
    "| goal | result |", "|---|---|",
  ]
  head += [f"| {name} | {text} |" for name, text in summary]
  head.append("")
  analysis = os.path.join(os.path.dirname(os.path.abspath(__file__)), "analysis.md")
  if os.path.exists(analysis):
    with open(analysis) as f:
      body += ["", f.read().rstrip()]
  return "\n".join(head + body) + "\n"


if __name__ == "__main__":
  # Re-render BENCHMARKS.md from bench/results.json (e.g. after editing bench/analysis.md).
  here = os.path.dirname(os.path.abspath(__file__))
  with open(os.path.join(here, "results.json")) as f:
    data = json.load(f)
  with open(os.path.join(os.path.dirname(here), "BENCHMARKS.md"), "w") as f:
    f.write(render(data))
