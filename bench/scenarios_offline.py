"""Scenarios that need no running pool: compile (1) and reaper scan (2)."""
import json
import os
import re
import shutil
import subprocess
import time

from benchlib import BIN, HERE, PYTHON, WORK, end_group, log, remember_group, stats, timed

COMPILE_SIZES = [100, 1000, 10000]
COMPILE_MODES = {
  "generate units --stdout": ["generate", "units", "--stdout"],
  "generate units --transient": ["generate", "units", "--transient"],
  "check": ["check"],
}


def compile_config(n, path):
  """A DAG of n services: p(i) depends on p((i-1)//2) and p(i//3), each with a port health check."""
  processes = {}
  width = len(str(n - 1))
  name = lambda i: f"p{i:0{width}d}"
  for i in range(n):
    spec = {
      "command": [PYTHON, os.path.join(HERE, "svc.py"), "--name", name(i), "--port", str(20000 + i % 40000)],
      "restart_policy": "on-failure",
      "health_check": {"type": "port", "target": f"127.0.0.1:{20000 + i % 40000}", "timeout": 10, "interval": 5},
      "stop_timeout": 5,
    }
    deps = sorted({name((i - 1) // 2), name(i // 3)} - {name(i)}) if i > 0 else []
    if deps:
      spec["depends_on"] = deps
    processes[name(i)] = spec
  with open(path, "w") as f:
    json.dump({"name": f"compile{n}", "processes": processes}, f)


def run_compile(runs):
  result = {"sizes": {}, "runs": runs}
  for n in COMPILE_SIZES:
    path = os.path.join(WORK, f"compile-{n}.json")
    compile_config(n, path)
    result["sizes"][str(n)] = {}
    for label, words in COMPILE_MODES.items():
      cmd = [BIN, *words, "--config", path]
      timed(cmd, timeout=300)  # warm-up: page cache, dynamic loader
      samples = [timed(cmd, timeout=300) for _ in range(runs)]
      result["sizes"][str(n)][label] = {
        "wall": stats([s["wall"] for s in samples]),
        "maxrss_kib": max(s["maxrss_kib"] for s in samples),
      }
      log(f"compile n={n} {label}: median {result['sizes'][str(n)][label]['wall']['median']:.3f}s")
  big = result["sizes"][str(COMPILE_SIZES[-1])]
  result["goal_met"] = all(v["wall"]["median"] < 1.0 for v in big.values())
  result["linearity"] = {
    label: big[label]["wall"]["median"] / result["sizes"][str(COMPILE_SIZES[-2])][label]["wall"]["median"]
    for label in COMPILE_MODES
  }
  # Profile the slowest mode at 10,000 whenever a goal is missed or growth is clearly superlinear.
  slowest = max(COMPILE_MODES, key=lambda label: big[label]["wall"]["median"])
  if not result["goal_met"] or max(result["linearity"].values()) > 13:
    result["profile"] = profile(slowest, [BIN, *COMPILE_MODES[slowest], "--config",
                                          os.path.join(WORK, f"compile-{COMPILE_SIZES[-1]}.json")])
  return result


def demangle(text):
  tool = shutil.which("swift-demangle") or (
    "/opt/swift/usr/bin/swift-demangle" if os.path.exists("/opt/swift/usr/bin/swift-demangle") else None)
  if not tool:
    return text
  return subprocess.run([tool, "--simplified"], input=text, capture_output=True, text=True).stdout


def profile(label, cmd):
  """Where the time goes: perf's flat profile (self time) and the hottest callers (children)."""
  if not shutil.which("perf"):
    return {"mode": label, "tool": "none", "note": "perf is not installed"}
  data = os.path.join(WORK, "perf.data")
  record = subprocess.run(["perf", "record", "-q", "-F", "4000", "-g", "-o", data, "--", *cmd],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
  if record.returncode != 0:
    return {"mode": label, "tool": "perf", "note": f"perf record failed: {record.stderr.strip()[:300]}"}
  flat = subprocess.run(["perf", "report", "-i", data, "--stdio", "--no-children", "-g", "none",
                         "--percent-limit", "1.5", "--sort", "dso,symbol"],
                        capture_output=True, text=True).stdout
  children = subprocess.run(["perf", "report", "-i", data, "--stdio", "--children", "-g", "none",
                             "--percent-limit", "8", "--sort", "symbol"],
                            capture_output=True, text=True).stdout
  keep = lambda text: "\n".join(l[:220].rstrip() for l in demangle(text).splitlines() if l.strip() and not l.startswith("#"))
  return {"mode": label, "tool": "perf record -F 4000 -g", "command": " ".join(cmd),
          "self": keep(flat)[:6000], "inclusive": keep(children)[:6000]}


# cgipool's default orphan_patterns, and the same patterns as one extended regular expression for
# `pgrep -f` (a glob `*` is `.*`, a `.` is literal; a pattern matches anywhere in the command line).
ORPHAN_PATTERNS = ["*.cgi", "sample_*_cgi.py", "dotnet-script *.csx", "pool/manager.py", "dotnet run *8080"]
# A leading or trailing `.*` is dropped: pgrep already matches anywhere, and the extra `.*` would only
# make its regex slower (unfair to pgrep).
PGREP_REGEX = "|".join(re.escape(p).replace(r"\*", ".*").replace(r"\ ", " ").removeprefix(".*").removesuffix(".*")
                       for p in ORPHAN_PATTERNS)


def run_reaper(runs, count=5000):
  config = os.path.join(WORK, "reaper.json")
  with open(config, "w") as f:
    json.dump({"name": "reaperbench", "orphan_patterns": ORPHAN_PATTERNS,
               "processes": {"idle": {"command": ["/bin/sleep", "infinity"], "restart_policy": "no"}}}, f)
  launcher = subprocess.Popen([PYTHON, os.path.join(HERE, "sleepers.py"), str(count), "900"],
                              stdout=subprocess.PIPE, text=True, start_new_session=True)
  remember_group(launcher.pid)
  try:
    started = time.perf_counter()
    line = launcher.stdout.readline().split()
    if not line or line[0] != "ready":
      raise RuntimeError("sleeper launcher failed")
    log(f"reaper: {line[2]} sleepers running in group {line[1]} ({time.perf_counter() - started:.1f}s to spawn)")
    total = sum(1 for e in os.listdir("/proc") if e.isdigit())
    cleanup = [BIN, "cleanup", "--dry-run", "--config", config]
    cleanup_json = [BIN, "cleanup", "--dry-run", "--json", "--config", config]
    pgrep = ["pgrep", "-f", PGREP_REGEX]
    samples = {"cleanup --dry-run": [], "cleanup --dry-run --json": [], "pgrep -f": []}
    for cmd in (cleanup, pgrep):
      timed(cmd, check=False)  # warm-up
    found = {}
    for _ in range(runs):
      # Interleaved, so drift on the machine hits every command alike.
      for label, cmd in (("cleanup --dry-run", cleanup), ("cleanup --dry-run --json", cleanup_json),
                         ("pgrep -f", pgrep)):
        sample = timed(cmd, check=False, stdout=subprocess.PIPE)
        # A dry run exits 1 when it lists orphans (other users' processes on a shared machine can
        # match the default patterns); anything else is a failure.
        if label.startswith("cleanup") and sample["rc"] not in (0, 1):
          raise RuntimeError(f"cleanup failed: {sample['stderr'][:500]}")
        samples[label].append(sample)
        found[label] = {"rc": sample["rc"], "output": sample["stdout"].strip()[:800]}
    result = {"processes_on_machine": total, "sleepers": int(line[2]), "patterns": ORPHAN_PATTERNS,
              "pgrep_regex": PGREP_REGEX, "runs": runs, "output": found}
    for label, values in samples.items():
      result[label] = {"wall": stats([v["wall"] for v in values]),
                       "cpu": stats([v["user"] + v["sys"] for v in values])}
    result["ratio"] = result["cleanup --dry-run"]["wall"]["median"] / result["pgrep -f"]["wall"]["median"]
    result["goal_met"] = result["ratio"] <= 1.0
    if not result["goal_met"]:
      result["profile"] = profile("cleanup --dry-run", cleanup)
    return result
  finally:
    end_group(launcher.pid)
    launcher.wait()


GENERATOR_SIZES = [10, 1000]


def run_generator(runs):
  """The systemd generator (`cgipool generator`) over one config of n processes, as systemd runs it
  at boot and at every daemon-reload: a fresh, empty output folder each run. Side by side, in the
  same loop: `generate units --output` of the same config (the same compile and rendering, no
  /etc/cgipool scan, no wants links)."""
  result = {"sizes": {}, "runs": runs}
  for n in GENERATOR_SIZES:
    folder = os.path.join(WORK, f"generator-{n}")
    configs = os.path.join(folder, "etc-cgipool")
    os.makedirs(configs, exist_ok=True)
    compile_config(n, os.path.join(configs, f"gen{n}.json"))
    out = os.path.join(folder, "out")
    commands = {
      "generator": lambda: [BIN, "generator", "--config-dir", configs, out, out + "-early", out + "-late"],
      "generate units --output": lambda: [BIN, "generate", "units", "--config", os.path.join(configs, f"gen{n}.json"),
                                          "--output", out],
    }
    samples = {label: [] for label in commands}
    for run in range(runs + 1):
      for label, command in commands.items():
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        sample = timed(command(), timeout=300)
        if run > 0:  # the first round warms the page cache and the loader
          samples[label].append(sample)
    files = len(os.listdir(out))
    result["sizes"][str(n)] = {
      label: {"wall": stats([s["wall"] for s in values]), "maxrss_kib": max(s["maxrss_kib"] for s in values)}
      for label, values in samples.items()
    }
    result["sizes"][str(n)]["files"] = files
    row = result["sizes"][str(n)]
    log(f"generator n={n}: median {row['generator']['wall']['median'] * 1000:.1f} ms, "
        f"generate units {row['generate units --output']['wall']['median'] * 1000:.1f} ms")
  return result
